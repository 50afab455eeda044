"""Direct quotations in a text, with nesting: “outer ‘inner’ outer”. Curly quotes pair by
direction; straight quotes toggle. An apostrophe (’ between letters, or after s) is not a quote."""
from __future__ import annotations

from dataclasses import dataclass

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


def find_quotes(text: str) -> list[QuoteSpan]:
    """Quote spans with depth; unbalanced marks are ignored."""
    stack: list[tuple[str, int]] = []  # (expected closer, start)
    found: list[QuoteSpan] = []
    for i, ch in enumerate(text):
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
    return sorted(found, key=lambda q: (q.start, q.depth))


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) of each outermost quotation, marks included."""
    return [(q.start, q.end) for q in find_quotes(text) if q.depth == 0]


def inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def without_quotes(text: str) -> str:
    """The text with every direct quotation blanked (same length, so offsets still hold): what the
    outlet says in its own words."""
    chars = list(text)
    for s, e in quoted_ranges(text):
        chars[s:e] = " " * (e - s)
    return "".join(chars)
