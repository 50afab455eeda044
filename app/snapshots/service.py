"""Take a snapshot of an event or story page, read it back, and say how the live page differs."""
from __future__ import annotations

import hashlib
import json
import secrets
import string
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.browse.comparisons import get_event_comparison, get_story_overview
from app.browse.redirects import successor
from app.browse.views import EventComparison, StoryOverview
from app.snapshots.models import Snapshot

ALPHABET = string.ascii_letters + string.digits  # URL-safe, no punctuation to trip over
ID_LENGTH = 7
KINDS = ("event", "story")


class SnapshotError(ValueError):
    """The snapshot cannot be taken; the message says why."""


class StaleView(SnapshotError):
    """The page changed between being shown and being shared."""


def new_id(length: int = ID_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def live_view(*, session: Session, kind: str, target_id: int,
              framing: bool = False) -> EventComparison | StoryOverview | None:
    if kind == "event":
        return get_event_comparison(session=session, event_id=target_id, framing=framing)
    if kind == "story":
        return get_story_overview(session=session, story_id=target_id, framing=framing)
    raise SnapshotError(f"kind must be one of {', '.join(KINDS)}")


def digest(*, kind: str, target_id: int, model: str, payload: dict) -> str:
    """Names exactly what a snapshot holds: two shares of an unchanged page have the same digest."""
    frozen = {"kind": kind, "target_id": target_id, "model": model, "payload": payload}
    return hashlib.sha256(json.dumps(frozen, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class Shared:
    snapshot: Snapshot
    created: bool  # False: the page was shared before, unchanged, and this is that snapshot


def create_snapshot(*, session: Session, kind: str, target_id: int, model: str,
                    fingerprint: str | None = None) -> Shared:
    """Freeze the page as it is now. With `fingerprint` (what the page showed), refuse when the live
    page has changed since, so the snapshot holds exactly what was on screen. The framing analysis is
    frozen with it: the snapshot page shows the panels as they were, never recomputed. A page shared
    before and unchanged since (the same passages, labels, framing and model) gives the snapshot
    taken then, so one page has one link however often it is shared."""
    view = live_view(session=session, kind=kind, target_id=target_id, framing=True)
    if view is None:
        raise SnapshotError(f"there is no {kind} {target_id}")
    if fingerprint and fingerprint != view.fingerprint:
        raise StaleView(f"this {kind} changed after the page was loaded; reload it and share again")
    payload = view.model_dump(mode="json")
    key = digest(kind=kind, target_id=target_id, model=model, payload=payload)
    existing = session.scalar(select(Snapshot).where(Snapshot.digest == key))
    if existing is not None:
        return Shared(existing, created=False)
    for _ in range(10):
        snapshot_id = new_id()
        if session.get(Snapshot, snapshot_id) is None:
            break
    else:  # 62**7 ids: ten collisions in a row means something else is wrong
        raise RuntimeError("could not find a free snapshot id")
    # Two shares of one page at once: the second insert does nothing and reads the first's row.
    inserted = session.scalar(
        insert(Snapshot).values(id=snapshot_id, kind=kind, target_id=target_id, model=model, payload=payload,
                                digest=key)
        .on_conflict_do_nothing(index_elements=[Snapshot.digest]).returning(Snapshot.id))
    session.commit()
    return Shared(session.scalars(select(Snapshot).where(Snapshot.digest == key)
                                  .execution_options(populate_existing=True)).one(), created=inserted is not None)


def get_snapshot(*, session: Session, snapshot_id: str) -> Snapshot | None:
    if not snapshot_id.isalnum() or len(snapshot_id) > 16:
        return None
    return session.get(Snapshot, snapshot_id)


def stored_view(snapshot: Snapshot) -> EventComparison | StoryOverview:
    model = EventComparison if snapshot.kind == "event" else StoryOverview
    return model.model_validate(snapshot.payload)


@dataclass
class LiveState:
    """How the live page compares with a snapshot."""

    path: str | None  # the live page (after any recluster), None when it is gone
    changes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return self.path is not None and not self.changes


def _passage_ids(view: EventComparison | StoryOverview) -> set[int]:
    comparisons = [view] if isinstance(view, EventComparison) else view.events
    ids = {p.id for c in comparisons for col in c.columns for p in col.passages}
    return ids | {p.id for col in view.columns for p in col.only_here}


def _labels(view: EventComparison | StoryOverview) -> dict[int, str]:
    comparisons = [view] if isinstance(view, EventComparison) else view.events
    return {c.event.id: c.event.display_label for c in comparisons}


def compare_with_live(*, session: Session, snapshot: Snapshot) -> LiveState:
    stored = stored_view(snapshot)
    target = snapshot.target_id
    live = live_view(session=session, kind=snapshot.kind, target_id=target)
    if live is None:
        moved = successor(session=session, kind=snapshot.kind, old_id=target)
        live = live_view(session=session, kind=snapshot.kind, target_id=moved) if moved else None
        if live is None:
            return LiveState(path=None, changes=[f"the {snapshot.kind} no longer exists"])
    state = LiveState(path=live.event.path if isinstance(live, EventComparison) else live.story.path)
    if isinstance(live, EventComparison) and live.event.id != target:
        state.changes.append(f"the event was merged into event {live.event.id} by a later regrouping")
    if isinstance(live, StoryOverview) and live.story.id != target:
        state.changes.append(f"the story was merged into story {live.story.id} by a later regrouping")
    before, after = _passage_ids(stored), _passage_ids(live)
    if after - before:
        state.changes.append(f"{len(after - before)} passage(s) added")
    if before - after:
        state.changes.append(f"{len(before - after)} passage(s) no longer there")
    old_labels, new_labels = _labels(stored), _labels(live)
    renamed = [i for i in old_labels if i in new_labels and old_labels[i] != new_labels[i]]
    if renamed:
        state.changes.append(f"{len(renamed)} event label(s) changed")
    if set(new_labels) - set(old_labels) - {live.event.id if isinstance(live, EventComparison) else -1}:
        state.changes.append(f"{len(set(new_labels) - set(old_labels))} new event(s)")
    return state
