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
def compiled() -> list[tuple[str, str, re.Pattern]]:
    """(term, category, regex), longest terms first so "so-called" wins over "called"."""
    entries = [(t, cat) for cat, terms in read_sections(LEXICON_FILE).items() for t in terms]
    entries.sort(key=lambda e: -len(e[0]))
    return [(t, cat, re.compile(_pattern(t), re.IGNORECASE)) for t, cat in entries]


def find_loaded(passage: PassageIn) -> list[LexiconHit]:
    """Every lexicon hit in the passage; overlapping hits keep the longest term."""
    hits: list[LexiconHit] = []
    taken: list[tuple[int, int]] = []
    for term, category, regex in compiled():
        for m in regex.finditer(passage.text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(LexiconHit(term, category, span_of(passage, m.start(), m.end())))
    return sorted(hits, key=lambda h: h.span.start)


@lru_cache(maxsize=1)
def loaded_words() -> frozenset[str]:
    """Single-word entries without wildcards, for the subjectivity share in tone.py."""
    return frozenset(t.lower() for _, terms in read_sections(LEXICON_FILE).items()
                     for t in terms if " " not in t and "*" not in t)
