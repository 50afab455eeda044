"""Ids that disappeared in a recluster: follow cluster_redirects to the id that took their place."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import ClusterRedirect

MAX_HOPS = 50


def successor(*, session: Session, kind: str, old_id: int) -> int | None:
    """The live id an old story/event id now maps to (following chains), or None if it never moved."""
    seen = {old_id}
    current = old_id
    for _ in range(MAX_HOPS):
        new_id = session.scalar(
            select(ClusterRedirect.new_id).where(ClusterRedirect.kind == kind, ClusterRedirect.old_id == current)
        )
        if new_id is None or new_id in seen:
            break
        seen.add(new_id)
        current = new_id
    return current if current != old_id else None
