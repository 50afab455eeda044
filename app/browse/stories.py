"""The story list on the home page: newest first, filtered by outlet and date, a page at a time."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.browse.views import EventRef, EventSummary, OutletRef, StoryRef, StorySummary
from app.db.models import Article, Event, Outlet, Passage, PassageEvent, Story

PAGE_SIZE = 20
TOP_EVENTS = 3


def list_stories(
    *, session: Session, outlet_id: int | None = None, date_from: date | None = None,
    date_to: date | None = None, page: int = 1, page_size: int = PAGE_SIZE,
) -> tuple[list[StorySummary], int]:
    """Stories with at least one article matching the filters, newest first, and how many in all."""
    stmt = select(Story).order_by(Story.updated_at.desc(), Story.id.desc())
    conditions = []
    if outlet_id is not None:
        conditions.append(Article.outlet_id == outlet_id)
    if date_from is not None:
        conditions.append(Article.published >= date_from)
    if date_to is not None:
        conditions.append(Article.published <= date_to)
    if conditions:
        stmt = stmt.where(Story.articles.any(and_(*conditions)))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    stories = list(session.scalars(stmt.limit(page_size).offset((max(page, 1) - 1) * page_size)))
    return summarize(session=session, stories=stories), total


def summarize(*, session: Session, stories: list[Story]) -> list[StorySummary]:
    """Counts, outlets, date range and top events of the given stories: three queries in all."""
    ids = [s.id for s in stories]
    if not ids:
        return []
    stats = {
        row.story_id: row
        for row in session.execute(
            select(
                Article.story_id,
                func.count(Article.id).label("articles"),
                func.count(Article.id).filter(Article.outlet_id.is_(None)).label("unknown_outlet"),
                func.min(Article.published).label("first"),
                func.max(Article.published).label("last"),
            ).where(Article.story_id.in_(ids)).group_by(Article.story_id)
        )
    }
    outlets: dict[int, list[OutletRef]] = defaultdict(list)
    for story_id, oid, name in session.execute(
        select(Article.story_id, Outlet.id, Outlet.name).join(Article.outlet)
        .where(Article.story_id.in_(ids)).distinct().order_by(Article.story_id, Outlet.name)
    ):
        outlets[story_id].append(OutletRef(id=oid, name=name))
    events: dict[int, list[EventSummary]] = defaultdict(list)
    for event, n_articles, n_passages in session.execute(
        select(Event, func.count(func.distinct(Passage.article_id)), func.count(Passage.id))
        .join(PassageEvent, PassageEvent.event_id == Event.id).join(Passage, Passage.id == PassageEvent.passage_id)
        .where(Event.story_id.in_(ids)).group_by(Event.id)
        .order_by(func.count(func.distinct(Passage.article_id)).desc(), func.count(Passage.id).desc(), Event.id)
    ):
        if len(events[event.story_id]) < TOP_EVENTS:
            events[event.story_id].append(EventSummary(event=EventRef.of(event), articles=n_articles,
                                                       passages=n_passages))
    summaries = []
    for story in stories:
        row = stats.get(story.id)
        summaries.append(StorySummary(
            story=StoryRef.of(story),
            articles=row.articles if row else 0,
            outlets=outlets[story.id],
            unknown_outlet_articles=row.unknown_outlet if row else 0,
            first_published=row.first if row else None,
            last_published=row.last if row else None,
            top_events=events[story.id],
        ))
    return summaries


def list_events(*, session: Session, story_id: int | None = None, page: int = 1,
                page_size: int = 50) -> tuple[list[EventSummary], int]:
    """Events (newest first) with how many articles and passages report each."""
    stmt = select(Event).order_by(Event.id.desc())
    if story_id is not None:
        stmt = stmt.where(Event.story_id == story_id)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page_ids = stmt.with_only_columns(Event.id).limit(page_size).offset((max(page, 1) - 1) * page_size)
    rows = session.execute(
        select(Event, func.count(func.distinct(Passage.article_id)), func.count(Passage.id))
        .outerjoin(PassageEvent, PassageEvent.event_id == Event.id)
        .outerjoin(Passage, Passage.id == PassageEvent.passage_id)
        .where(Event.id.in_(page_ids.scalar_subquery())).group_by(Event.id).order_by(Event.id.desc())
    )
    return [EventSummary(event=EventRef.of(e), articles=a, passages=p) for e, a, p in rows], total
