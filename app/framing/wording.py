"""Distinctive wording: which words and two-word phrases one outlet uses far more than the others
covering the same story, by the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16-22). The prior (the story's own word
frequencies) shrinks rare words, so a term must be both frequent and lopsided to score; z is the
log-odds difference over its standard error. Loaded-term hits (lexicon.py) ride along."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from app.framing.common import JsonMixin, Span, by_outlet, parse, span_of, words
from app.framing.evaluative import find_evaluative
from app.framing.inputs import PassageIn
from app.framing.lexicon import LexiconHit, find_loaded
from app.framing.one_sided import sentence_scores
from app.framing.quotes import inside, quoted_ranges

STOP = frozenset(STOP_WORDS) | {"'s", "s", "t", "said", "says", "mr", "ms", "mrs"}
MIN_Z = 0.3  # show terms at least this lopsided; single uses rarely pass 1.96 in a few passages
SIGNIFICANT_Z = 1.96  # ~ p < .05 two-sided
TOP_K = 12
EXPLAIN_Z = ("z-score of the weighted log-odds ratio (Monroe et al. 2008) of this term in this outlet vs "
             "the other outlets, story frequencies as prior; above 1.96 ~ p<.05")


@dataclass(frozen=True)
class DistinctiveTerm(JsonMixin):
    term: str
    z: float
    count: int  # times this outlet used it
    others: int  # times the other outlets used it
    significant: bool  # z >= 1.96
    spans: list[Span] = field(default_factory=list)
    explain: str = EXPLAIN_Z


@dataclass(frozen=True)
class OutletWording(JsonMixin):
    outlet: str
    distinctive: list[DistinctiveTerm]
    loaded: list[LexiconHit]
    loaded_count: int
    quoted_loaded: list[LexiconHit] = field(default_factory=list)  # inside direct quotes: the speakers' words
    evaluative: list[LexiconHit] = field(default_factory=list)  # evaluative.py: words a fitted word model marks
    quoted_evaluative: list[LexiconHit] = field(default_factory=list)
    explain: str = ("distinctive: top terms by log-odds z; loaded: hits of the shipped loaded-term lexicon in the "
                    "outlet's own words; quoted_loaded: hits inside direct quotations, the speakers' words; "
                    "evaluative: words beyond the lexicon that a word model fitted on BASIL's lexical-bias annotations "
                    "reads as loaded, each with what weighed most (quoted_evaluative: inside quotations)")


def terms(passage: PassageIn) -> list[tuple[str, int, int]]:
    """Unigrams (no stop words, no numbers) and bigrams (not both stop words) with offsets."""
    toks = [t for t in words(passage.text)]
    out = [(w, s, e) for w, s, e in toks if w not in STOP and not w[0].isdigit() and len(w) > 1]
    for (w1, s1, e1), (w2, s2, e2) in zip(toks, toks[1:], strict=False):
        if w1 in STOP or w2 in STOP or w1[0].isdigit() or w2[0].isdigit():
            continue
        if passage.text[e1:s2] != " ":
            continue  # a bigram never spans punctuation or a line break
        out.append((f"{w1} {w2}", s1, e2))
    return out


def log_odds_z(mine: Counter, rest: Counter, prior: Counter) -> dict[str, float]:
    """z-scores of the weighted log-odds ratio with informative Dirichlet prior, for terms in `mine`."""
    n_i, n_j = sum(mine.values()), sum(rest.values())
    a_0 = sum(prior.values()) or 1.0  # the prior's pseudo-counts are the story's own counts
    out = {}
    for w, y_i in mine.items():
        a_w = prior.get(w, 0) + 0.01
        y_j = rest.get(w, 0)
        delta = (math.log((y_i + a_w) / (n_i + a_0 - y_i - a_w))
                 - math.log((y_j + a_w) / (n_j + a_0 - y_j - a_w)))
        out[w] = delta / math.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
    return out


def analyse_wording(passages: list[PassageIn], *, background: list[PassageIn] | None = None,
                    top_k: int = TOP_K, docs: dict | None = None) -> list[OutletWording]:
    """Per outlet: its most distinctive terms against the other outlets, its loaded-term hits and
    its evaluative words (`docs`: the passages' spaCy docs, parsed here when not given)."""
    docs = docs if docs is not None else parse(passages)
    groups = by_outlet(passages)
    found = {p.id: terms(p) for p in passages}
    counts = {o: Counter(t for p in ps for t, _, _ in found[p.id]) for o, ps in groups.items()}
    lemmas = {o: {t.lemma_.lower() for p in ps for t in docs[p.id] if t.is_alpha} for o, ps in groups.items()}
    prior = Counter(t for p in (background or passages) for t, _, _ in (found.get(p.id) or terms(p)))
    result = []
    for outlet, ps in groups.items():
        rest = Counter()
        for other, c in counts.items():
            if other != outlet:
                rest.update(c)
        chosen: list[DistinctiveTerm] = []
        if rest:
            z = log_odds_z(counts[outlet], rest, prior)
            ranked = sorted((w for w in z if z[w] >= MIN_Z), key=lambda w: (-round(z[w], 6), -len(w)))
            for w in ranked:
                if any(w in c.term.split() or c.term in w.split() for c in chosen):
                    continue  # "russian dictatorship" already shown: skip "dictatorship"
                spans = [span_of(p, s, e) for p in ps for t, s, e in found[p.id] if t == w][:20]
                chosen.append(DistinctiveTerm(w, z[w], counts[outlet][w], rest.get(w, 0),
                                              z[w] >= SIGNIFICANT_Z, spans))
                if len(chosen) >= top_k:
                    break
        own, quoted, rated, quoted_rated = [], [], [], []
        ranges = {p.id: quoted_ranges(p.text) for p in ps}
        shared = frozenset(w for other, used in lemmas.items() if other != outlet for w in used)
        for p in ps:
            hits = find_loaded(p)
            for h in hits:
                (quoted if inside(ranges[p.id], h.span.start, h.span.end) else own).append(h)
            loaded = [(h.span.start, h.span.end, h.category) for h in hits]
            for h in find_evaluative(p, docs[p.id], loaded, shared, sentence_scores(p, docs[p.id])):
                (quoted_rated if inside(ranges[p.id], h.span.start, h.span.end) else rated).append(h)
        result.append(OutletWording(outlet, chosen, own, len(own), quoted, rated, quoted_rated))
    return result
