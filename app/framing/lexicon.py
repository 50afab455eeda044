"""The shipped, editable lexicon of loaded and evaluative terms (data/loaded_terms.txt).

A word list, not a model: an editor can read why a word was flagged and change the list. Terms
are matched as regular expressions on the raw text, so every hit is an exact character span."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.framing.common import JsonMixin, Span, read_sections, span_of
from app.framing.inputs import PassageIn

LEXICON_FILE = "loaded_terms.txt"


@dataclass(frozen=True)
class LexiconHit(JsonMixin):
    term: str  # the lexicon entry that matched
    category: str  # its section in the lexicon, e.g. "pejorative label"
    span: Span


def _pattern(term: str) -> str:
    parts = []
    for word in re.split(r"[\s\-]+", term.strip()):
        star = word.endswith("*")
        word = re.escape(word.rstrip("*")).replace("'", "['’]")
        parts.append(word + (r"\w*" if star else ""))
    return r"(?<![\w-])" + r"[\s\-]+".join(parts) + r"(?![\w-])"


@lru_cache(maxsize=1)
def compiled() -> list[tuple[str, str, str, re.Pattern]]:
    """(term, category, literal start, regex), longest terms first so "so-called" wins over "called".
    The literal start (the first word up to a wildcard or apostrophe, lower-cased) must be in a text
    for the term to match there: most regexes need not run at all."""
    entries = [(t, cat) for cat, terms in read_sections(LEXICON_FILE).items() for t in terms]
    entries.sort(key=lambda e: -len(e[0]))
    return [(t, cat, re.split(r"[\s\-*'’]", t.strip().lower())[0], re.compile(_pattern(t), re.IGNORECASE))
            for t, cat in entries]


@lru_cache(maxsize=8192)
def _hits(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, term, category) of each hit in the text; overlapping hits keep the longest term."""
    lower = text.lower()
    hits: list[tuple[int, int, str, str]] = []
    for term, category, start, regex in compiled():
        if start not in lower:
            continue
        for m in regex.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, _, _ in hits):
                hits.append((m.start(), m.end(), term, category))
    return tuple(sorted(hits))


def find_loaded(passage: PassageIn) -> list[LexiconHit]:
    """Every lexicon hit in the passage, in text order; overlapping hits keep the longer term."""
    return [LexiconHit(term, category, span_of(passage, start, end)) for start, end, term, category in _hits(passage.text)]


@lru_cache(maxsize=1)
def loaded_words() -> frozenset[str]:
    """Single-word entries without wildcards, for the subjectivity share in tone.py."""
    return frozenset(t.lower() for _, terms in read_sections(LEXICON_FILE).items()
                     for t in terms if " " not in t and "*" not in t)
