"""One-sided content: sentences in which an outlet adds slanted background, characterisation or
context ("whose experience was widely seen as a balance to an unpredictable president"), the kind
BASIL's annotators mark as informational bias (Fan et al., EMNLP 2019). A signal of its own beside
coverage: what an outlet alone reports is a coverage fact (coverage.py); how it is told is this.

Each sentence is read as a bag of spaCy features (lemma, part of speech, dependency label,
fine-grained tag, entity type, quotation marks), weighted by sublinear tf-idf and scored by a
logistic regression stored in data/one_sided.json, fitted by bench/fit_one_sided.py on BASIL's
development half (weights only: no text of the corpus is kept). The threshold is the one that gave
the best F1 on topics the model had not seen (topic-wise cross-validation), so about two sentences in
five are marked: a reader is pointed at the sentences worth a second look, with the words that
weighed most as the reason.

Beside each marked sentence: which other outlets of the story or event carry a sentence sharing
most of its content words (`also_in`), so "only here" is visible too.
"""
from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from app.framing.common import DATA_DIR, JsonMixin, Span, by_outlet, span_of
from app.framing.inputs import PassageIn
from app.ingest.passages import sentence_spans

MODEL_FILE = DATA_DIR / "one_sided.json"
SHARED_WORDS = 0.5  # another outlet "carries" the sentence when one of its sentences has half its content words
CUES = 3
EXPLAIN = ("sentences read as slanted background, characterisation or one-sided context (a sentence model "
           "fitted on BASIL's informational-bias annotations); score: the model's probability; cues: the words "
           "that weighed most; also_in: other outlets with a sentence sharing most of its content words")
QUOTE_MARKS = frozenset('"“”')


@dataclass(frozen=True)
class OneSidedSentence(JsonMixin):
    span: Span
    score: float
    cues: list[str]
    also_in: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutletOneSided(JsonMixin):
    outlet: str
    sentences: list[OneSidedSentence]
    checked: int  # sentences read
    explain: str = EXPLAIN


@dataclass(frozen=True)
class SentenceModel:
    idf: dict[str, float]
    weight: dict[str, float]
    bias: float
    threshold: float

    def score(self, features: list[str]) -> tuple[float, list[str]]:
        """Probability that the sentence is one-sided, and the content words that pushed it up most."""
        counts = Counter(f for f in features if f in self.idf)
        values = {f: (1 + math.log(n)) * self.idf[f] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        z = self.bias + sum(v / norm * self.weight[f] for f, v in values.items())
        pushes = sorted(((v / norm * self.weight[f], f) for f, v in values.items()
                         if f.startswith("L_") and f[2:].isalpha() and f[2:] not in STOP_WORDS), reverse=True)
        cues = [f[2:] for w, f in pushes[:CUES] if w > 0]
        return 1 / (1 + math.exp(-z)), cues


@lru_cache(maxsize=1)
def sentence_model() -> SentenceModel:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return SentenceModel({f: v[0] for f, v in data["features"].items()},
                         {f: v[1] for f, v in data["features"].items()}, data["bias"], data["threshold"])


def sentence_features(tokens) -> list[str]:
    """The features of one sentence's spaCy tokens (what the model in data/one_sided.json reads)."""
    out = []
    for t in tokens:
        if t.is_space:
            continue
        out += [f"L_{t.lemma_.lower()}", f"P_{t.pos_}", f"D_{t.dep_}", f"T_{t.tag_}"]
        if t.ent_type_:
            out.append(f"E_{t.ent_type_}")
        if t.text in QUOTE_MARKS:
            out.append("QUOTE")
    return out


def sentences_of(passage: PassageIn, doc) -> list[tuple[int, int, list]]:
    """(start, end, tokens) of each sentence of the passage (the app's sentence splitter, which cuts
    news text better than the parser does), tokens from its spaCy doc."""
    spans = sentence_spans(passage.text)
    tokens: list[list] = [[] for _ in spans]
    k = 0
    for t in doc:
        while k < len(spans) and t.idx >= spans[k].end:
            k += 1
        if k == len(spans):
            break
        if t.idx >= spans[k].start:
            tokens[k].append(t)
    return [(s.start, s.end, ts) for s, ts in zip(spans, tokens, strict=True) if ts]


def _content(tokens) -> frozenset[str]:
    return frozenset(t.lemma_.lower() for t in tokens if t.is_alpha and not t.is_stop)


def _carried_by(passages: list[PassageIn], sentences: dict,
                wanted: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """For each wanted sentence (passage id, start): the other outlets with a sentence that shares at least
    SHARED_WORDS of its content words, found through an index of which sentences use each word."""
    content = {(p.id, s): _content(tokens) for p in passages for s, _, tokens in sentences[p.id]}
    outlet_of = {p.id: p.outlet for p in passages}
    users: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, words in content.items():
        for w in words:
            users[w].append(key)
    out = {}
    for key in wanted:
        words = content[key]
        shared = Counter(other for w in words for other in users[w] if outlet_of[other[0]] != outlet_of[key[0]])
        need = SHARED_WORDS * len(words)
        out[key] = sorted({outlet_of[other[0]] for other, n in shared.items() if n >= need}) if words else []
    return out


Sentence = tuple[int, int, list, float, list[str]]  # start, end, tokens, score, cues
_READ: OrderedDict[str, list[Sentence]] = OrderedDict()
_READ_SIZE = 4096  # passages: a story's events re-read the passages the story read
_READ_LOCK = threading.Lock()  # page routes run in a thread pool


def _read(passage: PassageIn, doc) -> list[Sentence]:
    """The passage's sentences with their scores, computed once per text (and doc)."""
    with _READ_LOCK:
        if passage.text in _READ and _READ[passage.text][:1] and _READ[passage.text][0][2][0].doc is doc:
            _READ.move_to_end(passage.text)
            return _READ[passage.text]
    model = sentence_model()
    found = [(s, e, tokens, *model.score(sentence_features(tokens))) for s, e, tokens in sentences_of(passage, doc)]
    with _READ_LOCK:
        _READ[passage.text] = found
        while len(_READ) > _READ_SIZE:
            _READ.popitem(last=False)
    return found


def sentence_scores(passage: PassageIn, doc) -> list[tuple[int, int, float]]:
    """(start, end, probability of being one-sided) of each sentence of the passage."""
    return [(s, e, score) for s, e, _, score, _ in _read(passage, doc)]


def analyse_one_sided(passages: list[PassageIn], docs: dict) -> list[OutletOneSided]:
    threshold = sentence_model().threshold
    read = {p.id: _read(p, docs[p.id]) for p in passages}
    sentences = {pid: [(s, e, tokens) for s, e, tokens, _, _ in found] for pid, found in read.items()}
    scored = {(pid, s): (e, score, cues) for pid, found in read.items() for s, e, _, score, cues in found
              if score >= threshold}
    carried = _carried_by(passages, sentences, list(scored))
    out = []
    for outlet, mine in by_outlet(passages).items():
        marked = [OneSidedSentence(span_of(p, s, scored[(p.id, s)][0]), *scored[(p.id, s)][1:], carried[(p.id, s)])
                  for p in mine for s, _, _ in sentences[p.id] if (p.id, s) in scored]
        out.append(OutletOneSided(outlet, marked, sum(len(sentences[p.id]) for p in mine)))
    return out
