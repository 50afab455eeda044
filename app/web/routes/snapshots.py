from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.config import get_settings
from app.snapshots.service import (
    SnapshotError,
    StaleView,
    create_snapshot,
    get_snapshot,
    live_view,
    stored_view,
)
from app.web.contexts import EventContext, SharedLink, SnapshotContext, StoryContext
from app.web.deps import SessionDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/snapshots", name="share_comparison")
def share_comparison(request: Request, session: SessionDep, kind: str = Form(...), target_id: int = Form(...),
                     fingerprint: str = Form("")):
    try:
        snapshot = create_snapshot(session=session, kind=kind, target_id=target_id, model=get_settings().model,
                                   fingerprint=fingerprint or None).snapshot
    except StaleView as exc:
        view, share, error, status = live_view(session=session, kind=kind, target_id=target_id), None, str(exc), 409
    except SnapshotError as exc:
        raise HTTPException(404, str(exc)) from None
    else:
        if request.headers.get("HX-Request") != "true":
            return RedirectResponse(f"/c/{snapshot.id}", status_code=303)
        view, error, status = stored_view(snapshot), None, 201
        share = SharedLink(snapshot_id=snapshot.id, url=str(request.base_url).rstrip("/") + f"/c/{snapshot.id}")
    if kind == "event":
        ctx = EventContext(comparison=view, share=share, share_error=error)
        return render(request, "events/detail.html", {"ctx": ctx}, block="share", status_code=status)
    ctx = StoryContext(overview=view, share=share, share_error=error)
    return render(request, "stories/detail.html", {"ctx": ctx}, block="share", status_code=status)


@router.get("/c/{snapshot_id}", name="show_snapshot")
def show_snapshot(request: Request, session: SessionDep, snapshot_id: str):
    snapshot = get_snapshot(session=session, snapshot_id=snapshot_id)
    if snapshot is None:
        raise HTTPException(404, f"There is no snapshot {snapshot_id!r}.")
    ctx = SnapshotContext.build(session=session, snapshot=snapshot)
    return render(request, "snapshots/detail.html", {"ctx": ctx, "page_url": str(request.url)})
