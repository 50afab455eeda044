"""Evaluative words beyond the shipped lexicon: in each article, the few words that judge rather
than report, ranked by how unusual and how charged they are.

A candidate is a word that is not a name, a number or a function word, and is either an adjective
or adverb or a word of VADER's sentiment lexicon (vaderSentiment, 7,500 words rated by people).
Its score is its rarity in English (7 minus its Zipf frequency from the wordfreq package: "fierce"
3.9 scores 3.1, "new" 6.3 scores 0.7) when it is an adjective or adverb, plus the size of its VADER
valence. The best RATE_PER_100_WORDS of each article are kept: a reader gets a handful of words to
look at, not every adjective.

Measured on BASIL's lexical-bias spans (bench/framing_quality.py): ranking by rarity is what lifts
these above every plain word list (all adjectives and adverbs, all VADER words); the rate was
chosen among 1.5, 2.5, 3.5 and 5 per 100 words.
"""
from __future__ import annotations

from functools import lru_cache

from app.framing.common import span_of
from app.framing.inputs import PassageIn
from app.framing.lexicon import LexiconHit

RATE_PER_100_WORDS = 2.5
CATEGORY = "evaluative word"
MODIFIERS = ("ADJ", "ADV")
RELATIONAL = ("al", "ic")  # endings of relational adjectives; judged ones are in VADER ("cynical", "tragic")


@lru_cache(maxsize=1)
def _valence() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


@lru_cache(maxsize=65536)
def rarity(word: str) -> float:
    """How much rarer than the commonest English words (Zipf 7): 0 for "the", about 3 for "fierce"."""
    from wordfreq import zipf_frequency

    return max(0.0, 7.0 - zipf_frequency(word, "en"))


# Adverbs that order or hedge the telling rather than judge ("Additionally, ...").
CONNECTIVES = frozenset({
    "additionally", "initially", "previously", "currently", "recently", "subsequently", "eventually",
    "ultimately", "meanwhile", "furthermore", "moreover", "however", "nevertheless", "nonetheless",
    "consequently", "accordingly", "approximately", "respectively", "primarily", "largely", "mostly",
    "particularly", "especially", "specifically", "officially", "formally", "publicly", "finally",
    "directly", "immediately", "nearly", "roughly", "reportedly", "allegedly", "similarly", "likewise",
    "instead", "thereby", "therefore", "thus", "later", "earlier", "already", "still", "again", "ago",
})


def score(token, shared: frozenset[str] = frozenset()) -> float:
    """0 for a word that cannot be evaluative here; else rarity (modifiers) plus |valence|.
    `shared`: words the other outlets of the story use as well; a noun among them is the story's
    subject ("war", "peace", "crisis"), not this outlet's choice."""
    if not token.is_alpha or token.is_stop or token.ent_type_ or token.pos_ in ("PROPN", "NUM"):
        return 0.0
    if token.is_title and not token.is_sent_start:
        return 0.0  # a name the entity tagger missed ("Kyiv")
    lower = token.lower_
    if lower in CONNECTIVES or token.pos_ == "NOUN" and lower in shared:
        return 0.0
    valence = abs(_valence().get(lower, 0.0))
    if not valence and token.pos_ == "ADJ" and lower.endswith(RELATIONAL):
        return 0.0  # "presidential", "geopolitical", "diplomatic": they classify, they do not judge
    return (rarity(lower) if token.pos_ in MODIFIERS else 0.0) + valence


def find_evaluative(article: list[tuple[PassageIn, object, list[tuple[int, int]]]],
                    shared: frozenset[str] = frozenset()) -> list[LexiconHit]:
    """The most evaluative words of one article's passages, given as (passage, spaCy doc, spans
    already marked there by the lexicon, which are left out), in text order. Chosen across the
    article, not per passage: a neutral passage gets none, a charged one several."""
    words = sum(1 for _, doc, _ in article for t in doc if t.is_alpha)
    keep = round(words * RATE_PER_100_WORDS / 100)
    scored = [(s, k, t) for k, (_, doc, taken) in enumerate(article) for t in doc if (s := score(t, shared)) > 0
              and not any(t.idx < e and b < t.idx + len(t) for b, e in taken)]
    best = sorted(scored, key=lambda x: (-x[0], x[1], x[2].i))[:keep]
    return [LexiconHit(t.lower_, CATEGORY, span_of(article[k][0], t.idx, t.idx + len(t)))
            for _, k, t in sorted(best, key=lambda x: (x[1], x[2].i))]
