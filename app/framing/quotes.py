"""Direct quotations in a text, with nesting: “outer ‘inner’ outer”. Curly quotes pair by
direction; straight quotes toggle. An apostrophe (’ between letters, or after s) is not a quote.
A quote that runs over several paragraphs has, by the newspaper convention, no closing mark at the
end of each paragraph but the last and an opening mark at the start of the next: it closes at the
paragraph's end there, and a quote opened at the start of a paragraph that the text cuts off
closes where the text ends. So does one opened at the start of a sentence ("..., she said. “We
will...") that no mark closes before the paragraph ends: the text was cut off (a passage split
inside a long quote) or the closing mark was forgotten. A mark opened inside a sentence and never
closed ("the so-called “plan") stays unbalanced."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_REOPENED = re.compile(r"\s*[\"“„«]")  # after a line break: the next paragraph opens with a quote mark
OPEN_CLOSE = {"“": "”", "‘": "’", "«": "»", "„": "”"}


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark
    depth: int  # 0 = outermost; 1 = a quote inside a quote


def _apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and (after.isalnum() or before in "sS")


def _paragraph_start(text: str, i: int) -> bool:
    return i == 0 or text[:i].rstrip(" \t").endswith("\n")


def _sentence_start(text: str, i: int) -> bool:
    """The mark opens a sentence: at a paragraph start, or after ". ", "? ", "! " (or a closing mark)."""
    before = text[:i].rstrip(" \t")
    return _paragraph_start(text, i) or (len(before) < i and before[-1:] in (".", "?", "!", "”", '"', ":"))


def _paragraph_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len((text if end < 0 else text[:end]).rstrip())


def _close_all(stack: list[tuple[str, int]], found: list[QuoteSpan], end: int) -> None:
    while stack:
        _, start = stack.pop()
        found.append(QuoteSpan(start, end, len(stack)))


@lru_cache(maxsize=8192)
def find_quotes(text: str) -> tuple[QuoteSpan, ...]:
    """Quote spans with depth; unbalanced marks are ignored, except across paragraphs (above).
    Computed once per text: wording, tone and attribution all read a passage's quotes."""
    stack: list[tuple[str, int]] = []  # (expected closer, start)
    found: list[QuoteSpan] = []
    for i, ch in enumerate(text):
        if ch == "\n" and stack:
            if _REOPENED.match(text, i):  # the quote goes on in the next paragraph
                _close_all(stack, found, len(text[:i].rstrip()))
            continue
        if ch in ("'", "’", "‘") and _apostrophe(text, i):
            continue
        if ch in ('"', "'"):
            if stack and stack[-1][0] == ch:
                _, start = stack.pop()
                found.append(QuoteSpan(start, i + 1, len(stack)))
            elif i + 1 < len(text) and not text[i + 1].isspace():
                stack.append((ch, i))
            continue
        if stack and ch == stack[-1][0]:
            _, start = stack.pop()
            found.append(QuoteSpan(start, i + 1, len(stack)))
        elif ch in OPEN_CLOSE:
            stack.append((OPEN_CLOSE[ch], i))
        elif ch == "”" and stack and stack[0][0] == "”":  # a closer that skips an unclosed inner quote
            while stack and stack[-1][0] != "”":
                stack.pop()
            _, start = stack.pop()
            found.append(QuoteSpan(start, i + 1, len(stack)))
    if stack and not any(q.start < stack[0][1] < q.end for q in found):
        if _paragraph_start(text, stack[0][1]):
            _close_all(stack, found, len(text.rstrip()))  # a quote the passage cuts off at its end
        elif _sentence_start(text, stack[0][1]):
            _close_all(stack, found, _paragraph_end(text, stack[0][1]))
    return tuple(sorted(found, key=lambda q: (q.start, q.depth)))


@lru_cache(maxsize=8192)
def quoted_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each outermost quotation, marks included."""
    return tuple((q.start, q.end) for q in find_quotes(text) if q.depth == 0)


def inside(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def without_quotes(text: str) -> str:
    """The text with every direct quotation blanked (same length, so offsets still hold): what the
    outlet says in its own words."""
    chars = list(text)
    for s, e in quoted_ranges(text):
        chars[s:e] = " " * (e - s)
    return "".join(chars)
