"""What each kind of job does. A handler takes the job's payload and returns its result (a dict);
it raises JobFailed for input that will never work and lets anything else be retried."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.config import Settings
from app.embed.model import Embedder
from app.ingest.drafts import ArticleDraft, IngestError
from app.ingest.service import TRANSIENT_REASONS, ingest_drafts
from app.jobs.models import FRAME, FRAME_EVENT

log = logging.getLogger(__name__)
Report = Callable[[str], None]  # tells the queue what the job does now: "embedding", "clustering"...

INGEST, FETCH, RECLUSTER = "ingest_article", "fetch_article", "recluster"


class JobFailed(Exception):
    """Permanent failure: retrying cannot help. `field` names the form field the problem is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TryAgain(Exception):
    """Transient failure (a timeout, the model or the database failing): retried with backoff."""


def draft_payload(draft: ArticleDraft, *, field: str) -> dict:
    """The draft's fields as JSON, with the form field its text came from."""
    data = asdict(draft)
    data["published"] = draft.published.isoformat() if draft.published else None
    return {"draft": data, "field": field}


def draft_from_payload(data: dict) -> ArticleDraft:
    fields = dict(data)
    fields["published"] = date.fromisoformat(fields["published"]) if fields.get("published") else None
    return ArticleDraft(**fields)


@dataclass
class Context:
    session: Session
    embedder: Embedder
    settings: Settings
    report: Report


def _ingest(ctx: Context, draft: ArticleDraft, field: str) -> dict:
    from app.pipeline import annotate_hook, on_store_hook

    assign = on_store_hook()

    def on_store(session: Session, article) -> None:
        ctx.report("clustering")
        assign(session, article)
        if ctx.settings.frame_on_ingest and article.story_id is not None:
            ctx.report("framing")
            _frame(session, article.story_id)

    ctx.report("embedding")
    result = next(ingest_drafts(session=ctx.session, items=[draft], embedder=ctx.embedder, settings=ctx.settings,
                                on_store=on_store, annotate=annotate_hook()))
    if result.status == "rejected":
        reason = result.reason or "rejected"
        if reason.startswith(TRANSIENT_REASONS):
            raise TryAgain(reason)
        raise JobFailed(reason, field)
    return {"article_id": result.article_id, "duplicate": result.status == "duplicate", "title": result.title}


def _frame(session: Session, story_id: int) -> None:
    """The story's framing, kept before the article's commit shows it (app.pipeline.frame_story).
    In a savepoint: a failure here costs the first reader some time, never the article."""
    from app.pipeline import frame_story

    try:
        with session.begin_nested():
            frame_story(session, story_id)
    except Exception:
        log.exception("framing story %s on ingest failed", story_id)


def ingest_article(ctx: Context, payload: dict) -> dict:
    return _ingest(ctx, draft_from_payload(payload["draft"]), payload.get("field", "text"))


def fetch_article(ctx: Context, payload: dict) -> dict:
    from app.ingest.fetch import FetchError, fetch_url
    from app.ingest.readers import draft_from_bytes

    ctx.report("fetching")
    try:
        page = fetch_url(payload["url"], settings=ctx.settings)
    except FetchError as exc:
        if exc.transient:
            raise TryAgain(str(exc)) from None
        raise JobFailed(str(exc), "url") from None
    meta = dict(payload.get("meta") or {})
    meta["published"] = date.fromisoformat(meta["published"]) if meta.get("published") else None
    meta["url"] = meta.get("url") or payload["url"]
    try:
        draft = draft_from_bytes(page.body, source_name=f"url:{page.url}", fmt=page.fmt,
                                 max_bytes=ctx.settings.max_article_bytes, **meta)
    except IngestError as exc:
        raise JobFailed(f"{page.url}: {exc}", "url") from None
    return _ingest(ctx, draft, "url")


def recluster(ctx: Context, payload: dict) -> dict:
    from app.cluster.service import NothingToCluster
    from app.cluster.service import recluster as run_recluster
    from app.db.warm import warm_vector_indexes

    ctx.report("clustering")
    try:
        summary = run_recluster(ctx.session)
    except NothingToCluster as exc:
        ctx.session.rollback()
        raise JobFailed(str(exc)) from None
    ctx.session.commit()
    warm_vector_indexes(ctx.session)  # the recluster's memory pushed them out; ingest reads them next
    return {"summary": str(summary)}


def frame_story(ctx: Context, payload: dict) -> dict:
    """Keep the framing of a story a bulk import or a poll changed (app.pipeline.frame_story), as
    it is now, then queue the framing of the events its page shows first, a job each."""
    from app.pipeline import events_to_frame, queue_event_framing
    from app.pipeline import frame_story as keep_framing

    ctx.report("framing")
    overview = keep_framing(ctx.session, payload["story_id"])
    ctx.session.rollback()  # it only read: what it keeps goes through a connection of its own
    events = queue_event_framing(ctx.session, events_to_frame(overview))
    return {"story_id": payload["story_id"], "events": events}


def frame_event(ctx: Context, payload: dict) -> dict:
    """Keep the framing of an event (app.pipeline.frame_event), as it is now; an event a regroup
    has replaced since is gone, and there is nothing to keep."""
    from app.pipeline import frame_event as keep_framing

    ctx.report("framing")
    keep_framing(ctx.session, payload["event_id"])
    ctx.session.rollback()
    return {"event_id": payload["event_id"]}


HANDLERS: dict[str, Callable[[Context, dict], dict]] = {
    INGEST: ingest_article, FETCH: fetch_article, RECLUSTER: recluster, FRAME: frame_story, FRAME_EVENT: frame_event,
}
