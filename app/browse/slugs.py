"""Readable URL slugs and canonical paths: /stories/12-un-talks-on-ukraine."""
from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 60


def slugify(text: str | None, fallback: str) -> str:
    """ASCII words joined by hyphens, cut at a word boundary; `fallback` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        if len(slug) + len(word) + 1 > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or fallback


def parse_ref(ref: str) -> int | None:
    """'12-some-slug' or '12' -> 12; anything else -> None."""
    match = re.fullmatch(r"(\d{1,18})(?:-.*)?", ref)
    return int(match.group(1)) if match else None


def story_path(story_id: int, title: str | None) -> str:
    return f"/stories/{story_id}-{slugify(title, 'story')}"


def event_path(event_id: int, label: str | None) -> str:
    return f"/events/{event_id}-{slugify(label, 'event')}"


def article_path(article_id: int, title: str | None) -> str:
    return f"/articles/{article_id}-{slugify(title, 'article')}"


def outlet_path(outlet_id: int, name: str) -> str:
    return f"/outlets/{outlet_id}-{slugify(name, 'outlet')}"
