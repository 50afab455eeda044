"""Evaluative words beyond the shipped lexicon: the words of a passage that judge rather than
report ("fierce", "phony", "doubled down", "crazy"), read by a word model fitted on BASIL's
lexical-bias annotations (Fan et al., EMNLP 2019) and stored as weights in data/evaluative.json.

Each candidate word (not a name, a number, or a function word without sentiment) is read as a few
features of its use: the word itself, its part of speech and role in the sentence, its neighbours
and its head, its VADER valence (vaderSentiment, 7,500 words rated by people) and negation, how rare
it is in English (wordfreq), whether it is quoted, in the editable lexicon, or used by the other
outlets of the story too, and how slanted the one-sided model reads its sentence. Two logistic
regressions score it: is it a loaded word (BASIL's lexical spans), and is it inside any biased span
(lexical or informational). A word is marked when the product of the two, the second to the power
ALPHA, passes the stored threshold: loaded, and in a passage that is slanted.

bench/fit_evaluative.py fits both on basil-dev and prints the figure on topics the model had not
seen (five folds of whole events) beside every plain word list. The words that weighed most are
named in each hit's reason, so a reader sees why the word was marked.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from app.framing.common import DATA_DIR, span_of, zipf
from app.framing.inputs import PassageIn
from app.framing.lexicon import LexiconHit
from app.framing.quotes import inside, quoted_ranges
from app.framing.tone import analyzer

MODEL_FILE = DATA_DIR / "evaluative.json"
CATEGORY = "evaluative word"
RARE = 3.0  # rarity (7 - Zipf frequency) from which a reason may call a word rare: "fierce" 3.1, "failed" 2.1
REASONS = (  # feature prefix -> how a reader is told it weighed
    ("VALNEG", "a negative sentiment word"), ("VALPOS", "a positive sentiment word"), ("VAL", "a sentiment word"),
    ("NEGHEAD", "negated"), ("RAR", "a rare word"), ("SENT", "in a sentence read as slanted"),
    ("LEX", "in the loaded-term lexicon"), ("L_", "a word annotators often mark as loaded"),
    ("PL_", "the words around it"), ("NL_", "the words around it"), ("H_", "what it qualifies"),
    ("QUOTE", "inside a quotation"),
)


def _valence() -> dict[str, float]:
    """VADER's word ratings, from the analyzer tone.py reads sentiment with."""
    return analyzer().lexicon


def rarity(word: str) -> float:
    """How much rarer than the commonest English words (Zipf 7): 0 for "the", about 3 for "fierce"."""
    return max(0.0, 7.0 - zipf(word))


def is_candidate(token) -> bool:
    """A word that can be evaluative: not a name, a number, or a function word without sentiment."""
    if not token.is_alpha or token.ent_type_ or token.pos_ in ("PROPN", "NUM"):
        return False
    if token.is_title and not token.is_sent_start:
        return False  # a name the entity tagger missed ("Kyiv")
    return not token.is_stop or token.lower_ in _valence()


def word_features(token, *, quoted: bool, lexicon: str | None, shared: bool, sentence: float,
                  negated: bool) -> dict[str, float]:
    """What the word model reads of one token: `quoted` inside a direct quotation, `lexicon` the
    category of a loaded-term hit on it, `shared` its lemma used by another outlet of the story,
    `sentence` the one-sided model's probability for its sentence, `negated` its head negated."""
    doc, lemma = token.doc, token.lemma_.lower()
    f = {f"L_{lemma}": 1.0, f"P_{token.pos_}": 1.0, f"T_{token.tag_}": 1.0, f"D_{token.dep_}": 1.0,
         f"H_{token.head.lemma_.lower()}": 1.0, f"HP_{token.head.pos_}": 1.0, f"PD_{token.pos_}_{token.dep_}": 1.0,
         "SENT": sentence}
    if token.i > 0:
        f[f"PL_{doc[token.i - 1].lower_}"] = f[f"PP_{doc[token.i - 1].pos_}"] = 1.0
    if token.i + 1 < len(doc):
        f[f"NL_{doc[token.i + 1].lower_}"] = f[f"NP_{doc[token.i + 1].pos_}"] = 1.0
    if token.is_stop:
        f["STOP"] = 1.0
    if valence := _valence().get(token.lower_, 0.0):
        f["VAL"] = abs(valence)
        f["VALNEG" if valence < 0 else "VALPOS"] = 1.0
    r = rarity(token.lower_)
    f["RAR"] = f[f"RAR_{token.pos_}"] = r
    if quoted:
        f["QUOTE"] = 1.0
    if lexicon:
        f["LEX"] = f[f"LEXC_{lexicon}"] = 1.0
    if shared:
        f["SHARED"] = f[f"SHARED_{token.pos_}"] = 1.0
    if negated:
        f["NEGHEAD"] = 1.0
    return f


@dataclass(frozen=True)
class Logistic:
    bias: float
    weight: dict[str, float]

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(v * self.weight.get(k, 0.0) for k, v in features.items())


@dataclass(frozen=True)
class WordModel:
    lexical: Logistic
    biased: Logistic
    alpha: float
    threshold: float

    def score(self, features: dict[str, float]) -> float:
        """log P(loaded word) + alpha * log P(inside a biased span)."""
        return -math.log1p(math.exp(-self.lexical.logit(features))) - self.alpha * math.log1p(
            math.exp(-self.biased.logit(features)))

    def reasons(self, features: dict[str, float]) -> list[str]:
        """What pushed the word up most, in a reader's words."""
        pushes = sorted(((v * self.lexical.weight.get(k, 0.0), k) for k, v in features.items()), reverse=True)
        out: list[str] = []
        for push, key in pushes[:4]:
            if key.startswith("RAR") and features.get("RAR", 0.0) < RARE:
                continue  # it weighed, but "failed" is not a rare word to a reader
            said = next((text for prefix, text in REASONS if key.startswith(prefix)), None)
            if push > 0 and said and said not in out:
                out.append(said)
        if any(said.endswith(" sentiment word") and said != "a sentiment word" for said in out):
            out = [said for said in out if said != "a sentiment word"]  # the signed one says it
        return out[:2]


@lru_cache(maxsize=1)
def word_model() -> WordModel:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return WordModel(Logistic(data["lexical"]["bias"], data["lexical"]["weights"]),
                     Logistic(data["biased"]["bias"], data["biased"]["weights"]), data["alpha"], data["threshold"])


def candidates(passage: PassageIn, doc, loaded: list[tuple[int, int, str]], shared: frozenset[str],
               sentences: list[tuple[int, int, float]]):
    """(token, features) of every candidate word of a passage: `loaded` its lexicon hits (start, end,
    category), `shared` lemmas the story's other outlets use, `sentences` (start, end, one-sided
    probability) of its sentences."""
    quotes = quoted_ranges(passage.text)
    negated = {t.head.i for t in doc if t.dep_ == "neg"}
    for t in doc:
        if not is_candidate(t):
            continue
        start, end = t.idx, t.idx + len(t)
        lexicon = next((cat for s, e, cat in loaded if s < end and start < e), None)
        sentence = next((p for s, e, p in sentences if s <= start < e), 0.0)
        yield t, word_features(t, quoted=inside(quotes, start, end), lexicon=lexicon,
                               shared=t.lemma_.lower() in shared, sentence=sentence, negated=t.head.i in negated)


def find_evaluative(passage: PassageIn, doc, loaded: list[tuple[int, int, str]], shared: frozenset[str],
                    sentences: list[tuple[int, int, float]]) -> list[LexiconHit]:
    """The passage's words the model marks, in text order, leaving out those the lexicon marked."""
    model = word_model()
    hits = []
    for t, features in candidates(passage, doc, loaded, shared, sentences):
        if features.get("LEX") or model.score(features) < model.threshold:
            continue
        why = ", ".join(model.reasons(features))
        hits.append(LexiconHit(t.lower_, f"{CATEGORY}: {why}" if why else CATEGORY,
                               span_of(passage, t.idx, t.idx + len(t))))
    return hits
