"""Framing downloads of the story and event pages: the rows of app/framing/table.py from the
framing the page shows (kept or computed once, never a second analysis), as a CSV or JSON
attachment. Not text/html, so the page cache passes them through without storing them."""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.browse.comparisons import get_event_comparison, get_story_overview
from app.browse.redirects import successor
from app.framing.table import framing_rows, to_csv, to_json
from app.web.page_cache import shows_story
from app.web.permalinks import moved, ref_id

PREFIXES = {"story": "/stories", "event": "/events"}
FORMATS = {"csv": ("text/csv; charset=utf-8", to_csv), "json": ("application/json", to_json)}


def _story(session: Session, story_id: int) -> tuple[int, dict[str, Any] | None] | None:
    overview = get_story_overview(session=session, story_id=story_id, framing=True)
    return None if overview is None else (story_id, overview.framing)


def _event(session: Session, event_id: int) -> tuple[int, dict[str, Any] | None] | None:
    comparison = get_event_comparison(session=session, event_id=event_id, framing=True)
    return None if comparison is None else (comparison.event.story_id, comparison.framing)


LOADERS = {"story": _story, "event": _event}


def framing_download(request: Request, session: Session, kind: str, ref: str, fmt: str) -> Response:
    """The framing rows of the story or event `ref` as framing.csv or framing.json."""
    item_id = ref_id(ref, kind)
    if fmt not in FORMATS:
        raise HTTPException(404, f"There is no framing download as .{fmt}: ask for framing.csv or framing.json.")
    found = LOADERS[kind](session, item_id)
    if found is None:
        return _moved(request, session, kind, item_id, fmt)
    story_id, framing = found
    shows_story(request, story_id)
    rows = framing_rows(framing, story_id=story_id, event_id=item_id if kind == "event" else None)
    media_type, render = FORMATS[fmt]
    return Response(render(rows), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="parallax-{kind}-{item_id}-framing.{fmt}"'})


def _moved(request: Request, session: Session, kind: str, old_id: int, fmt: str) -> RedirectResponse:
    """The download of the story or event that took this id's place in a recluster; 404 when none did."""
    new_id = successor(session=session, kind=kind, old_id=old_id)
    if new_id is None:
        raise HTTPException(404, f"There is no {kind} {old_id}.")
    return moved(request, f"{PREFIXES[kind]}/{new_id}/framing.{fmt}")
