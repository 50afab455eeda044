"""The framing analysis of what a page shows: browse views in, PassageIn lists to app.framing, its
JSON (the `.to_json()` dicts) out. Pure: no queries, the passages were loaded with the page.
Results are memoised by their exact inputs (passage ids, article ids, outlet labels and texts), so a
repeated request or an HTMX swap does not parse the same passages again."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from app.browse.views import EventComparison, OutletColumn, PassageView, StoryOverview
from app.framing import PassageIn, analyse_event, analyse_story

CACHE_SIZE = 32


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


@lru_cache(maxsize=CACHE_SIZE)
def _event_json(passages: tuple[PassageIn, ...], story: tuple[PassageIn, ...]) -> dict[str, Any]:
    return analyse_event(list(passages), story_passages=list(story) or None).to_json()


@lru_cache(maxsize=CACHE_SIZE)
def _story_json(
    by_event: tuple[tuple[int, tuple[PassageIn, ...]], ...], unassigned: tuple[PassageIn, ...]
) -> dict[str, Any]:
    return analyse_story({e: list(ps) for e, ps in by_event}, list(unassigned)).to_json()


def event_framing(comparison: EventComparison, story_passages: list[PassageIn]) -> dict[str, Any] | None:
    """EventFraming JSON of the event's passages, with the whole story as background (read-only)."""
    passages = event_inputs(comparison)
    if not passages:
        return None
    return _event_json(tuple(passages), tuple(story_passages))


def story_framing(overview: StoryOverview) -> dict[str, Any] | None:
    """StoryFraming JSON: story-wide signals, coverage, independence and every event's framing."""
    by_event = tuple((e.event.id, tuple(event_inputs(e))) for e in overview.events)
    unassigned = tuple(p for col in overview.columns for p in passages_in(col, col.only_here))
    if not unassigned and not any(ps for _, ps in by_event):
        return None
    return _story_json(by_event, unassigned)
