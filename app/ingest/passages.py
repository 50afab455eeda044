"""Clean text -> passages: paragraphs, long ones split at sentence boundaries, tiny ones merged,
each an exact [start, end) span of the clean text."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # spaCy refuses texts over a million characters for the memory its parser and NER would need;
    # this pipeline is a tokenizer and a punctuation rule, and an article (or one paragraph of it)
    # may be up to max_article_bytes long.
    nlp.max_length = 100_000_000
    return nlp


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans inside text[start:end], offsets relative to the whole text."""
    end = len(text) if end is None else end
    doc = _sentencizer()(text[start:end])
    spans = []
    for sent in doc.sents:
        s = start + sent.start_char
        e = start + sent.end_char
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


def paragraph_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def _split_long(text: str, para: Span, max_chars: int) -> list[Span]:
    sentences = sentence_spans(text, para.start, para.end)
    if len(sentences) <= 1:
        return [para]
    pieces = math.ceil(len(para) / max_chars)
    target = len(para) / pieces
    groups: list[Span] = []
    current: Span | None = None
    for sent in sentences:
        if current is None:
            current = sent
        elif len(current) + len(sent) / 2 > target:
            groups.append(current)
            current = sent
        else:
            current = Span(current.start, sent.end)
    if current is not None:
        groups.append(current)
    return groups


def split_passages(text: str, *, max_chars: int = 480, min_chars: int = 120) -> list[Span]:
    """Passages follow paragraphs; a paragraph over max_chars is split at sentence boundaries
    into pieces of similar length; a piece under min_chars joins its neighbour."""
    pieces: list[Span] = []
    for para in paragraph_spans(text):
        pieces.extend(_split_long(text, para, max_chars) if len(para) > max_chars else [para])
    merged: list[Span] = []
    for piece in pieces:
        if merged and (len(merged[-1]) < min_chars or len(piece) < min_chars) and (
            piece.end - merged[-1].start <= max_chars
        ):
            merged[-1] = Span(merged[-1].start, piece.end)
        else:
            merged.append(piece)
    if len(merged) > 1 and len(merged[-1]) < min_chars:
        last = merged.pop()
        merged[-1] = Span(merged[-1].start, last.end)
    return merged
