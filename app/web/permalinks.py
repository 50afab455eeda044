"""Canonical URLs: a wrong or missing slug, or an id that moved in a recluster, redirects permanently."""
from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.browse.redirects import successor
from app.browse.slugs import event_path, parse_ref, story_path
from app.db.models import Event, Story


def ref_id(ref: str, what: str) -> int:
    found = parse_ref(ref)
    if found is None:
        raise HTTPException(404, f"There is no {what} {ref!r}.")
    return found


def moved(request: Request, path: str) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=301)


def canonical(request: Request, path: str) -> RedirectResponse | None:
    """A redirect to `path` when the request came in under another spelling of it."""
    return None if request.url.path == path else moved(request, path)


def to_successor(request: Request, session: Session, kind: str, old_id: int, prefix: str) -> RedirectResponse:
    """Where a story or event id that disappeared in a recluster went; 404 when it never existed."""
    new_id = successor(session=session, kind=kind, old_id=old_id)
    if new_id is None:
        raise HTTPException(404, f"There is no {kind} {old_id}.")
    return moved(request, f"{prefix}/{new_id}")


def redirect_first(request: Request, session: Session, kind: str, item_id: int) -> RedirectResponse | None:
    """For a story or event page: the redirect its URL needs (a missing or old slug, an id that moved),
    found from the stored title or label alone, before the page is built. Building a big story's
    comparison and framing to learn its slug took seconds for a bare /stories/ID link."""
    model, column, path_of, prefix = {"story": (Story, Story.title, story_path, "/stories"),
                                      "event": (Event, Event.label, event_path, "/events")}[kind]
    found = session.execute(select(column).where(model.id == item_id)).first()
    if found is None:
        return to_successor(request, session, kind, item_id, prefix)
    return canonical(request, path_of(item_id, found[0] or ""))
