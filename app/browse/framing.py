"""The framing analysis of what a page shows: browse views in, PassageIn lists to app.framing, its
JSON (the `.to_json()` dicts) out. No queries of its own: the passages were loaded with the page.
Results are cached by their inputs (passage ids, article ids and outlet labels: a stored passage's
text never changes), bounded by bytes, so the pages of many events and stories stay warm and a
repeated request or an HTMX swap does not analyse the same passages again. With a FramingStore,
a result another process computed for the same inputs is read from the database instead, and
one computed here is kept there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.browse.cache import JsonCache
from app.browse.framing_store import FramingStore, inputs_digest
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


def _kept_or_computed(kind: str, subject_id: int, key: tuple, passages: list[PassageIn], compute,
                      store: FramingStore | None) -> dict[str, Any]:
    """This process's cache, else what the database keeps for these inputs, else computed (with
    the kept parses) and kept in both."""

    def kept_or_computed() -> dict[str, Any]:
        if store is None:
            return compute()
        inputs = inputs_digest(key)
        kept = store.framing(kind, subject_id, inputs)
        if kept is not None:
            return kept
        store.prepare_parses(passages)
        value = compute()
        store.keep_framing(kind, subject_id, inputs, value)
        return value

    return _cache.get_or_compute(key, kept_or_computed)


def _event_json(event_id: int, passages: list[PassageIn], story: list[PassageIn],
                store: FramingStore | None = None) -> dict[str, Any]:
    return _kept_or_computed(
        "event", event_id, ("event", _key(passages), _key(story)), passages + story,
        lambda: analyse_event(passages, story_passages=story or None).to_json(), store)


def _story_json(story_id: int, by_event: list[tuple[int, list[PassageIn]]], unassigned: list[PassageIn],
                store: FramingStore | None = None) -> dict[str, Any]:
    return _kept_or_computed(
        "story", story_id, ("story", tuple((e, _key(ps)) for e, ps in by_event), _key(unassigned)),
        [p for _, ps in by_event for p in ps] + unassigned,
        lambda: analyse_story(dict(by_event), unassigned).to_json(), store)


def event_framing(comparison: EventComparison, story_passages: list[PassageIn],
                  store: FramingStore | None = None) -> dict[str, Any] | None:
    """EventFraming JSON of the event's passages, with the whole story as background (read-only)."""
    passages = event_inputs(comparison)
    if not passages:
        return None
    return _event_json(comparison.event.id, passages, story_passages, store)


def story_framing(overview: StoryOverview, store: FramingStore | None = None) -> dict[str, Any] | None:
    """StoryFraming JSON: story-wide signals, coverage, independence and every event's framing."""
    by_event = [(e.event.id, event_inputs(e)) for e in overview.events]
    unassigned = [p for col in overview.columns for p in passages_in(col, col.only_here)]
    if not unassigned and not any(ps for _, ps in by_event):
        return None
    return _story_json(overview.story.id, by_event, unassigned, store)
