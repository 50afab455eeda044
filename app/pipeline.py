"""The steps a new article goes through, wired together: ingest -> embed -> cluster.
The CLI, the web app and the seeds all come in here."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db.base import get_engine
from app.db.migrate import upgrade
from app.db.vector_index import ensure_vector_index
from app.embed.model import Embedder, get_embedder
from app.ingest.drafts import ArticleDraft, Rejection
from app.ingest.seeds import read_seeds
from app.ingest.service import IngestResult, count_articles, ingest_drafts

if TYPE_CHECKING:
    from app.browse.views import StoryOverview

log = logging.getLogger(__name__)


def prepare_database(embedder: Embedder | None = None) -> None:
    """Migrate to head, give articles stored before articles had vectors theirs (before the
    index exists: one build is much faster than as many inserts), and make sure the current
    model's vector indexes exist."""
    from app.cluster.service import fill_article_vectors
    from app.db.base import session_scope

    engine = get_engine()
    with engine.begin() as conn:
        upgrade(conn)
    with session_scope() as session:
        fill_article_vectors(session)
    if embedder is not None:
        with engine.begin() as conn:
            ensure_vector_index(conn, embedder.name, embedder.dim)


class Grouping:
    """What runs inside an article's transaction once it is stored: joining a story and its
    events, so an article is never stored without its grouping. Called with one article (an
    upload), or through `many` with a bulk import's chunk at once. Each keeps its own cache of the
    stored articles' features (one ingest run's worth)."""

    def __init__(self) -> None:
        from app.cluster.service import FeatureCache

        self.cache = FeatureCache()

    def __call__(self, session: Session, article) -> int:
        from app.cluster.service import assign_article

        return assign_article(session, article, cache=self.cache)

    def many(self, session: Session, articles: list) -> dict[int, int]:
        from app.cluster.service import assign_articles

        return assign_articles(session, articles, cache=self.cache)


def on_store_hook() -> Grouping:
    return Grouping()


def annotate_hook():
    """What runs once per ingest chunk before its articles are stored: the spaCy features of all
    its articles in one nlp.pipe, stored with each article so assign_article need not run spaCy."""
    from app.cluster.features import features_json_many

    def annotate(articles) -> list[dict]:
        return features_json_many([(p.title, p.passage_texts) for p in articles])

    return annotate


def ingest_items(
    *, session: Session, items: Iterable[ArticleDraft | Rejection], embedder: Embedder | None = None,
    settings: Settings | None = None, batched: bool = True, frame: bool = True,
) -> Iterator[IngestResult]:
    """Ingest drafts through the whole pipeline. `batched`: each chunk's new articles join their
    stories together (Grouping.many); without, one at a time as a single upload does.

    Once every item is in (after the last result), when `frame` and PARALLAX_FRAME_ON_INGEST, a
    background job is queued to keep the framing of each story the new articles joined
    (queue_framing): once per story however many chunks touched it, run by a worker when no upload
    or other job waits, so the import ends when its articles are stored and the first reader of an
    imported story finds its framing kept."""
    settings = settings or get_settings()
    grouping = on_store_hook()
    added: list[int] = []
    for result in ingest_drafts(
        session=session,
        items=items,
        embedder=embedder or get_embedder(),
        settings=settings,
        on_store=grouping,
        on_store_many=grouping.many if batched else None,
        annotate=annotate_hook(),
    ):
        if result.status == "ingested":
            added.append(result.article_id)
        yield result
    if added and frame and settings.frame_on_ingest:
        queue_framing(session, added)


def seed_if_empty(session: Session, settings: Settings | None = None) -> list[IngestResult]:
    """Load seeds/ through the real pipeline when the database holds no articles."""
    settings = settings or get_settings()
    if count_articles(session) > 0:
        return []
    return list(ingest_items(session=session, items=read_seeds(settings.seeds_dir, max_bytes=settings.max_article_bytes),
                             settings=settings))


def poll_sources(session: Session, *, embedder: Embedder | None = None, settings: Settings | None = None,
                 limit: int | None = None):
    """Poll the due sources (app/sources/polling.py), their new items ingested as a bulk import,
    and, as after a bulk import, a background job queued to keep the framing of each story they
    joined: the worker that polls goes on to the next due job instead of framing stories first."""
    from app.sources.polling import poll_due

    settings = settings or get_settings()
    embedder = embedder or get_embedder()

    added: list[int] = []

    def ingest(drafts):
        results = list(ingest_items(session=session, items=drafts, embedder=embedder, settings=settings, frame=False))
        added.extend(r.article_id for r in results if r.status == "ingested")
        return results

    reports = poll_due(session, settings=settings, ingest=ingest, limit=limit)
    if added and settings.frame_on_ingest:  # once for all the sources polled, as a bulk import queues it
        queue_framing(session, added)
    return reports


def frame_story(session: Session, story_id: int) -> StoryOverview | None:
    """Compute the framing of a story as the session sees it and keep it, with the parses of its
    passages (app/browse/framing_store.py), so the first reader of a changed story finds it made
    and an event page of it only analyses its passages. Inside an article's transaction (a single
    upload) it is kept before the article shows. Returns the story's overview (None: no such story)."""
    from app.browse.comparisons import get_story_overview

    return get_story_overview(session=session, story_id=story_id, framing=True, reader_waits=False)


def _stories_of(session: Session, article_ids: Iterable[int]) -> list[int]:
    from sqlalchemy import select

    from app.db.models import Article

    return list(session.scalars(select(Article.story_id).distinct().where(
        Article.id.in_(list(article_ids)), Article.story_id.is_not(None))))


def queue_framing(session: Session, article_ids: Iterable[int]) -> int:
    """Queue the framing of the stories these committed articles are in (queue_story_framing)."""
    return queue_story_framing(session, _stories_of(session, article_ids))


def queue_story_framing(session: Session, story_ids: Iterable[int]) -> int:
    """Queue a background job (app/jobs/tasks.py, frame_story) for each of these stories, unless one
    for that story is already queued and not yet started. Returns how many stories will be framed."""
    from app.jobs.models import FRAME

    return _queue_once(session, FRAME, "story_id", story_ids)


def _queue_once(session: Session, kind: str, field: str, ids: Iterable[int]) -> int:
    """A `kind` job with payload {field: id} for each id, but none for an id whose job is queued
    and not yet started. Returns how many ids will have their job run."""
    from sqlalchemy import select

    from app.jobs.models import Job
    from app.jobs.queue import enqueue

    ids = list(dict.fromkeys(ids))
    waiting = set(session.scalars(select(Job.payload[field].as_integer()).where(
        Job.kind == kind, Job.status == "queued")))
    for id_ in ids:
        if id_ not in waiting:
            enqueue(session=session, kind=kind, payload={field: id_})
    return len(ids)


EVENTS_FRAMED = 30  # the events a story page shows first (app.web.templating.EVENTS_SHOWN)


def events_to_frame(overview: StoryOverview | None) -> list[int]:
    """The story's first EVENTS_FRAMED events with passages, in its page's order (the overview's)."""
    if overview is None:
        return []
    return [c.event.id for c in overview.events if c.columns][:EVENTS_FRAMED]


def queue_event_framing(session: Session, event_ids: Iterable[int]) -> int:
    """Queue a background job (frame_event) for each of these events, unless one is already queued
    and not yet started: each a job of its own, so an upload waits for at most one event's
    framing. Returns how many events will be framed."""
    from app.jobs.models import FRAME_EVENT

    return _queue_once(session, FRAME_EVENT, "event_id", event_ids)


def frame_event(session: Session, event_id: int) -> None:
    """Compute the framing of an event as the session sees it and keep it, so the first reader of
    the event page finds it made."""
    from app.browse.comparisons import get_event_comparison

    get_event_comparison(session=session, event_id=event_id, framing=True)


def frame_stories_of(session: Session, article_ids: Iterable[int]) -> int:
    """frame_story for the stories these (committed) articles are in, now. Returns how many were
    framed; a failure is logged, never raised (pages compute what is missing themselves)."""
    start = time.perf_counter()
    story_ids = _stories_of(session, article_ids)
    framed = 0
    for story_id in story_ids:
        try:
            frame_story(session, story_id)
            framed += 1
        except Exception:
            log.exception("framing story %s after its change failed", story_id)
        finally:
            session.rollback()  # reading only: end the snapshot so the next story is read fresh
    log.info("framed %d of %d stories in %.1f s", framed, len(story_ids), time.perf_counter() - start)
    return framed
