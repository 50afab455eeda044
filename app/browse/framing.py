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

FRAMING_PASSAGES = 120  # at most this many passages parsed and analysed for one page: some 10 ms each
# At most this many for a story page that finds no framing kept for it (nothing framed the story when
# its articles came, or the analysis code changed since), so its reader waits about half as long.
FIRST_VIEW_PASSAGES = 60
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


def _story_key(by_event: list[tuple[int, list[PassageIn]]], unassigned: list[PassageIn]) -> tuple:
    return "story", tuple((e, _key(ps)) for e, ps in by_event), _key(unassigned)


def _story_json(story_id: int, by_event: list[tuple[int, list[PassageIn]]], unassigned: list[PassageIn],
                store: FramingStore | None = None) -> dict[str, Any]:
    return _kept_or_computed(
        "story", story_id, _story_key(by_event, unassigned), [p for _, ps in by_event for p in ps] + unassigned,
        lambda: analyse_story(dict(by_event), unassigned).to_json(), store)


def sample(passages: list[PassageIn], limit: int) -> list[PassageIn]:
    """At most `limit` of the passages, taken in turn from each outlet (each outlet's first ones
    first), in their order: a bounded read that still hears every outlet."""
    if len(passages) <= limit:
        return passages
    by_outlet: dict[str, list[PassageIn]] = {}
    for p in passages:
        by_outlet.setdefault(p.outlet, []).append(p)
    chosen: set[int] = set()
    queues = [iter(ps) for ps in by_outlet.values()]
    while len(chosen) < limit:
        for q in queues:
            if (p := next(q, None)) is not None and len(chosen) < limit:
                chosen.add(p.id)
    return [p for p in passages if p.id in chosen]


def event_framing(comparison: EventComparison, story_passages: list[PassageIn],
                  store: FramingStore | None = None) -> dict[str, Any] | None:
    """EventFraming JSON of the event's passages, with the story as background (read-only).
    Past FRAMING_PASSAGES in all, the event's passages are sampled to two thirds of it and the
    background to the rest; comparison.framing_read then says how many of the event's were read."""
    passages = event_inputs(comparison)
    if not passages:
        return None
    if len(passages) + len(story_passages) > FRAMING_PASSAGES:
        read = sample(passages, FRAMING_PASSAGES * 2 // 3)
        if len(read) < len(passages):
            comparison.framing_read = len(read)
        ids = {p.id for p in passages}
        story_passages = sample([p for p in story_passages if p.id not in ids], FRAMING_PASSAGES - len(read))
        passages = read
    return _event_json(comparison.event.id, passages, story_passages, store)


def _bounded(by_event: list[tuple[int, list[PassageIn]]], unassigned: list[PassageIn], limit: int):
    """All of them within `limit` passages; past it, whole events in page order while they fit in
    two thirds of it, then passages in no event, in turn from each outlet, up to `limit`."""
    if sum(len(ps) for _, ps in by_event) + len(unassigned) <= limit:
        return by_event, unassigned
    kept, room = [], limit * 2 // 3
    for event_id, ps in by_event:
        if ps and len(ps) <= room:
            kept.append((event_id, ps))
            room -= len(ps)
    return kept, sample(unassigned, limit - sum(len(ps) for _, ps in kept))


def _quick_one(story_id: int, full: tuple, quick: tuple, store: FramingStore | None) -> bool:
    """Whether a waiting reader gets the framing of the smaller sample: the full one is neither in this
    process nor kept in the database, or this process already has the smaller one (no query then)."""
    if _cache.get(full) is not None:
        return False
    if _cache.get(quick) is not None:
        return True
    return store is None or store.framing("story", story_id, inputs_digest(full)) is None


def story_framing(overview: StoryOverview, store: FramingStore | None = None, *,
                  reader_waits: bool = True) -> dict[str, Any] | None:
    """StoryFraming JSON: story-wide signals, coverage, independence and every event's framing.
    Past FRAMING_PASSAGES, read from a bounded sample (_bounded) and overview.framing_read says
    how many passages that was, so the first view of any story costs about the same.

    The framing of that sample is what an import, upload or poll keeps (app.pipeline.frame_story,
    `reader_waits=False`). A page that finds none kept analyses at most FIRST_VIEW_PASSAGES while
    its reader waits, and overview.framing_first_view says so on the page."""
    by_event = [(e.event.id, event_inputs(e)) for e in overview.events]
    unassigned = [p for col in overview.columns for p in passages_in(col, col.only_here)]
    if not unassigned and not any(ps for _, ps in by_event):
        return None
    total = sum(len(ps) for _, ps in by_event) + len(unassigned)
    read_by_event, read_unassigned = _bounded(by_event, unassigned, FRAMING_PASSAGES)
    if reader_waits and total > FIRST_VIEW_PASSAGES:
        quick = _bounded(by_event, unassigned, FIRST_VIEW_PASSAGES)
        if _quick_one(overview.story.id, _story_key(read_by_event, read_unassigned), _story_key(*quick), store):
            read_by_event, read_unassigned = quick
            overview.framing_first_view = True
    read = sum(len(ps) for _, ps in read_by_event) + len(read_unassigned)
    if read < total:
        overview.framing_read = read
    return _story_json(overview.story.id, read_by_event, read_unassigned, store)
