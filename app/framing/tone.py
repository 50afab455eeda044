"""Tone: VADER compound sentiment (Hutto & Gilbert 2014; a rule-based lexicon tuned on short
texts, no training needed) per passage and per outlet, plus a subjectivity share and the
strongest sentences. Subjectivity = share of content words that evaluate rather than report:
adjectives/adverbs carrying a VADER valence (Hatzivassiloglou & Wiebe 2000: gradable adjectives
are the strongest single cue of subjective sentences), VADER intensifiers ("deeply", "hugely"),
and entries of our loaded-term lexicon. Nouns and verbs with valence ("war", "killed") are left
out: in news they name what happened more than they judge it. Words inside direct quotations are
left out of both: they are the speakers' judgements, not the outlet's."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from statistics import mean

from app.framing.common import JsonMixin, Span, by_outlet, span_of
from app.framing.inputs import PassageIn
from app.framing.lexicon import find_loaded
from app.framing.quotes import inside, quoted_ranges, without_quotes

TOP_SENTENCES = 2
EXPLAIN_PASSAGE = ("compound: VADER sentiment, -1 (most negative) to +1; subjectivity: share of content words "
                   "that are evaluative (valenced adjectives/adverbs, intensifiers, loaded terms)")
EXPLAIN_OUTLET = "means over this outlet's passages; strongest: its sentences with the largest |compound|"


@lru_cache(maxsize=1)
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def boosters() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import BOOSTER_DICT

    return frozenset(BOOSTER_DICT)


@dataclass(frozen=True)
class SentenceTone(JsonMixin):
    span: Span
    compound: float


@dataclass(frozen=True)
class PassageTone(JsonMixin):
    passage_id: int
    compound: float
    subjectivity: float
    evaluative: list[Span] = field(default_factory=list)  # the words counted as evaluative
    explain: str = EXPLAIN_PASSAGE


@dataclass(frozen=True)
class OutletTone(JsonMixin):
    outlet: str
    compound: float
    subjectivity: float
    passages: list[PassageTone]
    strongest: list[SentenceTone]
    explain: str = EXPLAIN_OUTLET


def evaluative_tokens(passage: PassageIn, doc) -> tuple[list, int]:
    """(evaluative tokens, number of content words) in a parsed passage, outside direct quotes:
    a quoted "devastating" is the speaker's judgement, not the outlet's."""
    lex, boost = analyzer().lexicon, boosters()
    hits = [(h.span.start, h.span.end) for h in find_loaded(passage)]
    quoted = quoted_ranges(passage.text)
    content = [t for t in doc if t.is_alpha and not t.is_stop and not inside(quoted, t.idx, t.idx + len(t))]
    picked = []
    for t in content:
        low, lemma = t.lower_, t.lemma_.lower()
        in_lexicon = any(s <= t.idx < e for s, e in hits)
        modifier = t.pos_ in ("ADJ", "ADV")
        if in_lexicon or modifier and (low in boost or abs(lex.get(low, lex.get(lemma, 0.0))) >= 1.0):
            picked.append(t)
    return picked, len(content)


def analyse_tone(passages: list[PassageIn], docs: dict) -> list[OutletTone]:
    result = []
    for outlet, ps in by_outlet(passages).items():
        tones, sentences = [], []
        for p in ps:
            doc = docs[p.id]
            picked, n = evaluative_tokens(p, doc)
            own = without_quotes(p.text)  # the outlet's own words: quotes are the speakers'
            tones.append(PassageTone(p.id, analyzer().polarity_scores(own)["compound"],
                                     len(picked) / n if n else 0.0,
                                     [span_of(p, t.idx, t.idx + len(t)) for t in picked]))
            for sent in doc.sents:
                score = analyzer().polarity_scores(own[sent.start_char:sent.end_char])["compound"]
                sentences.append(SentenceTone(span_of(p, sent.start_char, sent.end_char), score))
        strongest = sorted(sentences, key=lambda s: -abs(s.compound))[:TOP_SENTENCES]
        result.append(OutletTone(outlet, mean(t.compound for t in tones), mean(t.subjectivity for t in tones),
                                 tones, strongest))
    return result
