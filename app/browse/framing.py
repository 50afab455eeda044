"""The framing analysis of what a page shows: browse views in, PassageIn lists to app.framing, its
JSON (the `.to_json()` dicts) out. Pure: no queries, the passages were loaded with the page.
Results are cached by their inputs (passage ids, article ids and outlet labels: a stored passage's
text never changes), bounded by bytes, so the pages of many events and stories stay warm and a
repeated request or an HTMX swap does not analyse the same passages again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.browse.cache import JsonCache
from app.browse.views import EventComparison, OutletColumn, PassageView, StoryOverview
from app.framing import PassageIn, analyse_event, analyse_story

CACHE_BYTES = 32 * 1024 * 1024  # as JSON (several times that in memory): some 250 stories or 1,500 events
_cache = JsonCache(CACHE_BYTES)


def outlet_label(name: str | None, article_id: int) -> str:
    """The outlet as the framing panels name it; an unknown outlet is told apart by its article."""
    return name or f"Unknown outlet (article {article_id})"


def column_label(col: OutletColumn) -> str:
    return outlet_label(col.outlet.name, col.articles[0].id if col.articles else 0)


def passages_in(col: OutletColumn, passages: Iterable[PassageView]) -> list[PassageIn]:
    label = column_label(col)
    return [PassageIn(id=p.id, article_id=p.article_id, outlet=label, text=p.text) for p in passages]


def event_inputs(comparison: EventComparison) -> list[PassageIn]:
    return [p for col in comparison.columns for p in passages_in(col, col.passages)]


def _key(passages: Iterable[PassageIn]) -> tuple:
    return tuple((p.id, p.article_id, p.outlet) for p in passages)


def _event_json(passages: list[PassageIn], story: list[PassageIn]) -> dict[str, Any]:
    return _cache.get_or_compute(
        ("event", _key(passages), _key(story)),
        lambda: analyse_event(passages, story_passages=story or None).to_json(),
    )


def _story_json(by_event: list[tuple[int, list[PassageIn]]], unassigned: list[PassageIn]) -> dict[str, Any]:
    return _cache.get_or_compute(
        ("story", tuple((e, _key(ps)) for e, ps in by_event), _key(unassigned)),
        lambda: analyse_story(dict(by_event), unassigned).to_json(),
    )


def event_framing(comparison: EventComparison, story_passages: list[PassageIn]) -> dict[str, Any] | None:
    """EventFraming JSON of the event's passages, with the whole story as background (read-only)."""
    passages = event_inputs(comparison)
    if not passages:
        return None
    return _event_json(passages, story_passages)


def story_framing(overview: StoryOverview) -> dict[str, Any] | None:
    """StoryFraming JSON: story-wide signals, coverage, independence and every event's framing."""
    by_event = [(e.event.id, event_inputs(e)) for e in overview.events]
    unassigned = [p for col in overview.columns for p in passages_in(col, col.only_here)]
    if not unassigned and not any(ps for _, ps in by_event):
        return None
    return _story_json(by_event, unassigned)
