"""The JSON API (/api, documented at /docs): the same app.browse and app.snapshots functions as the pages."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, BeforeValidator, Field

from app.browse.articles import get_article_detail, get_outlet_detail, list_articles, list_outlets
from app.browse.comparisons import get_event_comparison, get_story_overview
from app.browse.redirects import successor
from app.browse.search import LIMIT as SEARCH_PAGE
from app.browse.search import MAX_QUERY, SIMILAR_DEPTH, search_similar, search_text, tidy_query
from app.browse.sources import SourceSummary, list_sources, summary
from app.browse.stories import list_events, list_stories
from app.browse.views import (
    ArticleDetail,
    ArticleRef,
    EventComparison,
    EventSummary,
    OutletDetail,
    OutletSummary,
    SearchHit,
    StoryOverview,
    StorySummary,
)
from app.config import get_settings
from app.ingest.removal import delete_article
from app.jobs import queue
from app.jobs.models import Job
from app.jobs.tasks import RECLUSTER
from app.security.auth import require_writer
from app.snapshots.models import Snapshot
from app.snapshots.service import SnapshotError, StaleView, compare_with_live, create_snapshot, get_snapshot
from app.web.deps import SessionDep
from app.web.submissions import Submission, submit_article

DB_INT = 2**31 - 1  # ids and pages are Postgres integers: larger values are refused by the schema (422)

class StoryPage(BaseModel):
    items: list[StorySummary]
    total: int
    page: int


class EventPage(BaseModel):
    items: list[EventSummary]
    total: int
    page: int


class ArticlePage(BaseModel):
    items: list[ArticleRef]
    total: int
    page: int


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int = Field(description=f"text: every matching passage; similar: the passages at or above `floor` "
                                   f"among the {SIMILAR_DEPTH} closest")
    page: int
    page_size: int = SEARCH_PAGE
    mode: Literal["text", "similar"]
    floor: float | None = Field(description="similar: the cosine similarity a passage must reach; text: null")


class ArticleIn(BaseModel):
    # Text, or a URL to fetch it from: the schema says one of the two is required.
    model_config = {"json_schema_extra": {"anyOf": [{"required": ["text"], "properties": {"text": {"type": "string"}}},
                                                    {"required": ["url"], "properties": {"url": {"type": "string"}}}]}}

    text: str | None = Field(None, pattern=r"\S", description="The article text; without it, `url` is fetched")
    text_format: Literal["text", "markdown", "html"] = "text"
    title: str | None = None
    outlet: str | None = None
    url: str | None = Field(None, pattern=r"^https?://[^\s/?#]+[^\s]*$", description="http(s) URL of the page")
    published: date | None = None
    byline: str | None = None


class SnapshotIn(BaseModel):
    kind: Literal["event", "story"]
    id: int = Field(ge=1, le=DB_INT)
    fingerprint: str | None = None  # what the client showed; refused with 409 if the live view differs


class LiveOut(BaseModel):
    path: str | None
    same: bool
    changes: list[str]


class SnapshotOut(BaseModel):
    id: str
    url: str
    kind: str
    target_id: int
    model: str
    created_at: datetime
    payload: dict
    live: LiveOut


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every refusal has this shape: `detail` says why, in a sentence, or one entry per field (422)."""

    detail: str | list[FieldError]


REFUSALS = {
    400: "The body could not be read (not UTF-8, or a broken form)",
    401: "Writes need the admin token: `Authorization: Bearer <token>`",
    404: "There is no such item (an id regrouped away redirects with 308 instead)",
    409: "Conflicts with what is stored: a snapshot's `fingerprint` differs from the live page, or a "
         "deletion's `confirm` does not repeat the article id",
    413: "The request body is over the limit; nothing was read or stored",
    422: "Invalid input: one entry per field, or a sentence",
    429: "Too many writes from this address; `Retry-After` says when to try again",
}


def refusals(*codes: int) -> dict:
    """OpenAPI responses for the refusals an operation can answer, all with the Problem shape."""
    return {code: {"model": Problem, "description": REFUSALS[code]} for code in codes}


WRITE = (400, 413, 422, 429)  # any POST, PUT or DELETE: unreadable body, body limit, validation, rate limit
ItemId = Annotated[int, Path(ge=1, le=DB_INT)]
IdFilter = Annotated[int | None, Query(ge=1, le=DB_INT)]
PageQuery = Annotated[int, Query(ge=1, le=DB_INT)]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    """Only YYYY-MM-DD: pydantic alone also read a number as a date (`date_to=0` was 1970-01-01)."""
    if value is None or isinstance(value, date) or isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise ValueError("should be a date as YYYY-MM-DD")


DateFilter = Annotated[date | None, BeforeValidator(_iso_date), Query()]

router = APIRouter(prefix="/api", tags=["api"], responses=refusals(422))


class JobOut(BaseModel):
    id: int
    url: str
    kind: str
    status: str  # queued | running | done | failed
    progress: str  # queued | retrying | fetching | embedding | clustering | done | failed
    attempts: int
    max_attempts: int
    error: str | None
    field: str | None  # the input field a failure is about
    result: dict | None
    created_at: datetime
    finished_at: datetime | None
    article: ArticleDetail | None = None  # once done: the article, with its story and events


def job_out(session, job: Job) -> JobOut:
    article_id = (job.result or {}).get("article_id") if job.status == "done" else None
    return JobOut(
        id=job.id, url=f"/api/jobs/{job.id}", kind=job.kind, status=job.status, progress=job.progress,
        attempts=job.attempts, max_attempts=job.max_attempts, error=job.error,
        field=(job.result or {}).get("field") if job.status == "failed" else None, result=job.result,
        created_at=job.created_at, finished_at=job.finished_at,
        article=get_article_detail(session=session, article_id=article_id) if article_id else None,
    )


def accepted(session, job: Job) -> JSONResponse:
    return JSONResponse(job_out(session, job).model_dump(mode="json"), status_code=202,
                        headers={"Location": f"/api/jobs/{job.id}"})


def _moved(kind: str, old_id: int, session, prefix: str) -> RedirectResponse:
    new_id = successor(session=session, kind=kind, old_id=old_id)
    if new_id is None:
        raise HTTPException(404, f"There is no {kind} {old_id}.")
    return RedirectResponse(f"/api/{prefix}/{new_id}", status_code=308)


@router.get("/stories", response_model=StoryPage)
def api_list_stories(session: SessionDep, outlet_id: IdFilter = None, date_from: DateFilter = None,
                     date_to: DateFilter = None, page: PageQuery = 1):
    items, total = list_stories(session=session, outlet_id=outlet_id, date_from=date_from, date_to=date_to,
                                page=page)
    return StoryPage(items=items, total=total, page=page)


@router.get("/stories/{story_id}", response_model=StoryOverview,
            responses={308: {"description": "Regrouped"}} | refusals(404))
def api_get_story(session: SessionDep, story_id: ItemId):
    """A story with its coverage by outlet and every event; an id merged away redirects to its successor."""
    overview = get_story_overview(session=session, story_id=story_id, framing=True)
    return overview if overview is not None else _moved("story", story_id, session, "stories")


@router.get("/events", response_model=EventPage)
def api_list_events(session: SessionDep, story_id: IdFilter = None, page: PageQuery = 1):
    items, total = list_events(session=session, story_id=story_id, page=page)
    return EventPage(items=items, total=total, page=page)


@router.get("/events/{event_id}", response_model=EventComparison,
            responses={308: {"description": "Regrouped"}} | refusals(404))
def api_get_event(session: SessionDep, event_id: ItemId):
    comparison = get_event_comparison(session=session, event_id=event_id, framing=True)
    return comparison if comparison is not None else _moved("event", event_id, session, "events")


SearchQuery = Annotated[str, Query(min_length=1, max_length=MAX_QUERY, pattern=r"\S",
                                   description="Words (web-style: \"a phrase\", -not, or) or a sentence")]


@router.get("/search", response_model=SearchPage)
def api_search(session: SessionDep, q: SearchQuery, mode: Literal["text", "similar"] = "text",
               page: PageQuery = 1):
    """Passages matching the words of `q` (full-text, best first, every match counted), or close to it
    in meaning (`mode=similar`: closest first, down to the similarity floor), 20 a page."""
    from app.embed.model import get_embedder

    q, _ = tidy_query(q)
    floor = get_settings().similar_floor if mode == "similar" else None
    offset = (page - 1) * SEARCH_PAGE
    if not q:  # nothing but NULs
        items, total = [], 0
    elif mode == "text":
        items, total = search_text(session=session, q=q, offset=offset)
    else:
        items, total = search_similar(session=session, q=q, embedder=get_embedder(), floor=floor, offset=offset)
    return SearchPage(items=items, total=total, page=page, mode=mode, floor=floor)


@router.get("/articles", response_model=ArticlePage)
def api_list_articles(session: SessionDep, outlet_id: IdFilter = None, story_id: IdFilter = None,
                      page: PageQuery = 1):
    items, total = list_articles(session=session, outlet_id=outlet_id, story_id=story_id, page=page)
    return ArticlePage(items=items, total=total, page=page)


@router.get("/articles/{article_id}", response_model=ArticleDetail, responses=refusals(404))
def api_get_article(session: SessionDep, article_id: ItemId):
    detail = get_article_detail(session=session, article_id=article_id)
    if detail is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    return detail


@router.post("/articles", status_code=202, response_model=JobOut, dependencies=[Depends(require_writer)],
             responses=refusals(401, *WRITE))
def api_create_article(session: SessionDep, body: ArticleIn):
    """Check the article at once (422 with an error per field), then embed and group it in a job:
    202 with the job; follow its `url` until `status` is done (then `article` is set) or failed.
    Without `text`, the page at `url` is fetched."""
    submission = Submission(**{k: v or "" for k, v in body.model_dump(mode="json").items()})
    outcome = submit_article(session=session, submission=submission, settings=get_settings())
    if not outcome.ok:
        detail = [{"loc": ["body", name], "msg": msg, "type": "value_error"} for name, msg in outcome.errors.items()]
        if outcome.duplicate_of is not None:
            detail[0]["type"] = "duplicate"
            detail[0]["msg"] += f" (/api/articles/{outcome.duplicate_of})"
        return JSONResponse({"detail": detail}, status_code=422)
    return accepted(session, outcome.job)


@router.delete("/articles/{article_id}", status_code=204, dependencies=[Depends(require_writer)],
               responses=refusals(401, 404, 409, *WRITE))
def api_delete_article(session: SessionDep, article_id: ItemId,
                       confirm: int = Query(description="The article id again: deleting cannot be undone")):
    """Delete an article with its passages; events and a story left empty go with it. Nothing can
    bring it back, so the request must repeat the article's id: `DELETE /api/articles/12?confirm=12`
    (without it 422, with another id 409)."""
    if confirm != article_id:
        raise HTTPException(409, f"Deleting article {article_id} cannot be undone: send "
                                 f"DELETE /api/articles/{article_id}?confirm={article_id} to confirm.")
    if not delete_article(session=session, article_id=article_id):
        raise HTTPException(404, f"There is no article {article_id}.")
    return Response(status_code=204)


@router.post("/recluster", status_code=202, response_model=JobOut, dependencies=[Depends(require_writer)],
             responses=refusals(401, *WRITE))
def api_recluster(session: SessionDep):
    """Recompute every story and event in a job (one at a time: a second call returns the same job)."""
    job = queue.enqueue(session=session, kind=RECLUSTER, key="recluster", payload={},
                        max_attempts=get_settings().job_max_attempts)
    return accepted(session, job)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=refusals(404))
def api_get_job(session: SessionDep, job_id: ItemId):
    job = queue.get_job(session=session, job_id=job_id)
    if job is None:
        raise HTTPException(404, f"There is no job {job_id}.")
    return job_out(session, job)


@router.get("/outlets", response_model=list[OutletSummary])
def api_list_outlets(session: SessionDep):
    return list_outlets(session=session)


@router.get("/outlets/{outlet_id}", response_model=OutletDetail, responses=refusals(404))
def api_get_outlet(session: SessionDep, outlet_id: ItemId, page: PageQuery = 1):
    detail = get_outlet_detail(session=session, outlet_id=outlet_id, page=page)
    if detail is None:
        raise HTTPException(404, f"There is no outlet {outlet_id}.")
    return detail


def _snapshot_out(request: Request, session, snapshot: Snapshot) -> SnapshotOut:
    live = compare_with_live(session=session, snapshot=snapshot)
    return SnapshotOut(
        id=snapshot.id, url=str(request.base_url).rstrip("/") + f"/c/{snapshot.id}", kind=snapshot.kind,
        target_id=snapshot.target_id, model=snapshot.model, created_at=snapshot.created_at,
        payload=snapshot.payload, live=LiveOut(path=live.path, same=live.same, changes=live.changes),
    )


@router.post("/snapshots", status_code=201, response_model=SnapshotOut, responses={
    200: {"model": SnapshotOut, "description": "The page was shared before and has not changed since: that snapshot"},
    201: {"description": "A new snapshot"}, **refusals(404, 409, *WRITE)})
def api_create_snapshot(request: Request, response: Response, session: SessionDep, body: SnapshotIn):
    """Freeze an event or story as it is now; it stays readable at /c/<id> after later changes. An
    unchanged page shared again gives the same snapshot (200)."""
    try:
        shared = create_snapshot(session=session, kind=body.kind, target_id=body.id,
                                 model=get_settings().model, fingerprint=body.fingerprint)
    except StaleView as exc:
        raise HTTPException(409, str(exc)) from None
    except SnapshotError as exc:
        raise HTTPException(404, str(exc)) from None
    if not shared.created:
        response.status_code = 200
    return _snapshot_out(request, session, shared.snapshot)


@router.get("/snapshots/{snapshot_id}", response_model=SnapshotOut, responses=refusals(404))
def api_get_snapshot(request: Request, session: SessionDep, snapshot_id: str):
    snapshot = get_snapshot(session=session, snapshot_id=snapshot_id)
    if snapshot is None:
        raise HTTPException(404, f"There is no snapshot {snapshot_id!r}.")
    return _snapshot_out(request, session, snapshot)


class SourceIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000, pattern=r"^\s*https?://\S+$",
                     description="An RSS, Atom or JSON feed, or a (news) sitemap")
    outlet: str | None = Field(None, max_length=200, description="Names the outlet of its articles")
    interval_s: int | None = Field(None, ge=60, le=7 * 24 * 3600, description="Seconds between polls")


@router.get("/sources", response_model=list[SourceSummary])
def get_sources(session: SessionDep):
    """Every source with its health: last and next poll, HTTP status, items, articles, last error."""
    return list_sources(session=session)


@router.post("/sources", response_model=SourceSummary, status_code=201, dependencies=[Depends(require_writer)],
             responses=refusals(401, *WRITE))
def post_source(body: SourceIn, session: SessionDep):
    """Add a source (checked like a URL to fetch: http(s), a public host); one already listed is
    answered as it is stored. Workers poll it from now on."""
    from app.ingest.fetch import FetchError
    from app.sources.polling import add_source

    try:
        source = add_source(session, body.url, outlet=body.outlet, interval_s=body.interval_s, settings=get_settings())
    except FetchError as exc:
        raise HTTPException(422, [{"loc": ["body", "url"], "msg": str(exc), "type": "value_error"}]) from None
    return summary(source)
