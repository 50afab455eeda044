from fastapi import APIRouter, Query, Request

from app.browse.comparisons import get_story_overview
from app.web.contexts import StoryContext
from app.web.deps import SessionDep
from app.web.downloads import framing_download
from app.web.page_cache import shows_story
from app.web.permalinks import canonical, redirect_first, ref_id, to_successor
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/stories/{ref}", name="show_story")
def show_story(request: Request, session: SessionDep, ref: str):
    story_id = ref_id(ref, "story")
    if moved := redirect_first(request, session, "story", story_id):
        return moved
    overview = get_story_overview(session=session, story_id=story_id, framing=True)
    if overview is None:  # gone since the lookup above (a recluster committed in between)
        return to_successor(request, session, "story", story_id, "/stories")
    shows_story(request, overview.story.id)
    return canonical(request, overview.story.path) or render(
        request, "stories/detail.html", {"ctx": StoryContext(overview=overview)})


@router.get("/stories/{ref}/events", name="show_story_events")
def show_story_events(request: Request, session: SessionDep, ref: str, start: int = Query(0, ge=0)):
    """The story's events from `start` on, a page of them (what the story page's "more events" loads)."""
    story_id = ref_id(ref, "story")
    overview = get_story_overview(session=session, story_id=story_id)
    if overview is None:
        return to_successor(request, session, "story", story_id, "/stories")
    shows_story(request, overview.story.id)
    return render(request, "stories/_events.html", {"overview": overview, "level": 2, "start": start,
                                                    "events_path": f"{overview.story.path}/events"})


@router.get("/stories/{ref}/framing.{fmt}", name="download_story_framing")
def download_story_framing(request: Request, session: SessionDep, ref: str, fmt: str):
    return framing_download(request, session, "story", ref, fmt)
