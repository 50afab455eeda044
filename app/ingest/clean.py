"""Raw article text -> clean text: Unicode NFC, tidy whitespace, paragraphs separated by one
blank line, page chrome and byline lines taken out. Pure functions, no I/O."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Lines that are page furniture wherever they appear (compared case-folded, without
# trailing punctuation). Extend this list when a new site's chrome shows up.
CHROME_LINES = frozenset(
    {
        "no time to read", "get a summary", "advertisement", "advertisements", "sponsored",
        "sponsored content", "share", "share this", "share this article", "share this story",
        "share on facebook", "share on twitter", "share on x", "tweet", "email", "print",
        "copy link", "read more", "read more here", "continue reading", "show more", "subscribe",
        "subscribe now", "sign up", "sign up for our newsletter", "skip to content",
        "skip to main content", "listen to this article", "listen", "follow us", "comments",
        "leave a comment", "view comments", "loading", "loading...", "close", "menu", "home",
        "related", "related articles", "related stories", "most read", "most popular",
        "recommended", "recommended for you", "you may also like", "trending", "top stories",
        "previous article", "next article", "previous post", "next post", "previous", "next",
        "photo", "image", "video", "watch", "scroll to continue",
    }
)

# A line from which everything to the end is navigation: the trailer of a page.
TRAILER_MARKERS = frozenset(
    {
        "previous article", "next article", "previous post", "next post", "related articles",
        "related stories", "related", "more stories", "more from this section", "you may also like",
        "recommended", "recommended for you", "read next", "most read", "most popular", "trending",
        "top stories", "read more", "more on this story",
    }
)

BYLINE_RE = re.compile(
    r"^(?:written by|by|reporting by|story by|words by)\s+"
    r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4})*)"
    r"\.?$",
    re.IGNORECASE,
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class CleanText:
    text: str
    title: str | None = None
    byline: str | None = None
    removed: list[str] = field(default_factory=list)


def _key(line: str) -> str:
    return line.casefold().strip().rstrip(":.!?…»›>").strip()


def normalize(raw: str) -> str:
    """NFC, one kind of newline, no invisible or control characters, single spaces."""
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines of a block that are pieces of one paragraph wrapped at a fixed width."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    return all(40 <= len(line) <= 100 for line in body) and not all(
        _SENTENCE_END.search(line) for line in body
    )


def _paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for block in _blocks(text):
        if _is_hard_wrapped(block):
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
    return paragraphs


def _is_headline_like(line: str) -> bool:
    return len(line) <= 160 and not _SENTENCE_END.search(line)


def _strip_trailer(paragraphs: list[str], removed: list[str]) -> list[str]:
    for i, line in enumerate(paragraphs):
        if _key(line) in TRAILER_MARKERS and i > 0:
            rest = paragraphs[i + 1 :]
            if all(_key(r) in TRAILER_MARKERS | CHROME_LINES or _is_headline_like(r) for r in rest):
                removed.extend(paragraphs[i:])
                return paragraphs[:i]
    return paragraphs


def _take_byline(paragraphs: list[str]) -> tuple[list[str], str | None]:
    for index in (0, -1):
        if paragraphs:
            match = BYLINE_RE.match(paragraphs[index])
            if match and len(paragraphs[index]) <= 120:
                byline = match.group("name").strip()
                del paragraphs[index]
                return paragraphs, byline
    return paragraphs, None


def clean(raw: str, *, detect_title: bool = False) -> CleanText:
    """Clean raw article text. With detect_title, a short first paragraph without sentence
    punctuation, followed by more text, is taken as the headline."""
    removed: list[str] = []
    paragraphs = _strip_trailer(_paragraphs(normalize(raw)), removed)
    removed.extend(p for p in paragraphs if _key(p) in CHROME_LINES)
    paragraphs = [p for p in paragraphs if _key(p) not in CHROME_LINES]
    paragraphs, byline = _take_byline(paragraphs)
    title = None
    if detect_title and len(paragraphs) > 1 and _is_headline_like(paragraphs[0]) and len(paragraphs[0]) >= 12:
        title = paragraphs.pop(0)
    return CleanText(text="\n\n".join(paragraphs), title=title, byline=byline, removed=removed)


def drop_leading_title(text: str, title: str | None) -> str:
    """When the body repeats the given title as its first paragraph, drop that paragraph."""
    if not title:
        return text
    first, sep, rest = text.partition("\n\n")
    if sep and _key(first) == _key(normalize(title)):
        return rest
    return text
