from fastapi import APIRouter, Request

from app.browse.comparisons import get_event_comparison
from app.web.contexts import EventContext
from app.web.deps import SessionDep
from app.web.downloads import framing_download
from app.web.page_cache import shows_story
from app.web.permalinks import canonical, redirect_first, ref_id, to_successor
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/events/{ref}", name="show_event")
def show_event(request: Request, session: SessionDep, ref: str):
    event_id = ref_id(ref, "event")
    if moved := redirect_first(request, session, "event", event_id):
        return moved
    comparison = get_event_comparison(session=session, event_id=event_id, framing=True)
    if comparison is None:  # gone since the lookup above (a recluster committed in between)
        return to_successor(request, session, "event", event_id, "/events")
    shows_story(request, comparison.event.story_id)
    return canonical(request, comparison.event.path) or render(
        request, "events/detail.html", {"ctx": EventContext(comparison=comparison)})


@router.get("/events/{ref}/framing.{fmt}", name="download_event_framing")
def download_event_framing(request: Request, session: SessionDep, ref: str, fmt: str):
    return framing_download(request, session, "event", ref, fmt)
