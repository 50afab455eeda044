"""The story page (coverage grid, events side by side) and the event page (one column per outlet).
Both load a story's articles and passages in a fixed number of queries, whatever its size."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, union
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from app.browse.framing import event_framing, outlet_label, story_framing
from app.browse.framing_store import FramingStore
from app.browse.views import (
    ArticleRef,
    EventComparison,
    EventRef,
    OutletColumn,
    PassageView,
    StoryOverview,
    StoryRef,
)
from app.db.base import get_engine
from app.db.models import Article, Event, Passage, PassageEvent, Story
from app.framing import PassageIn


def column_key(article: Article) -> str:
    return f"outlet-{article.outlet_id}" if article.outlet_id is not None else f"article-{article.id}"


def _passages(session: Session, story_id: int, event_id: int | None = None) -> list[Passage]:
    """The story's passages (and, for an event page, the event's even from outside the story).
    The two sets are found apart and united by id, each through its index: an OR across the
    two tables made Postgres scan every passage."""
    ids = select(Passage.id).join(Passage.article).where(Article.story_id == story_id)
    if event_id is not None:
        ids = union(ids, select(PassageEvent.passage_id).where(PassageEvent.event_id == event_id))
    stmt = (
        select(Passage)
        .join(Passage.article)
        .where(Passage.id.in_(ids.scalar_subquery() if event_id is None else select(ids.subquery())))
        .options(
            defer(Passage.embedding),
            joinedload(Passage.article).options(
                defer(Article.source_text), defer(Article.clean_text), defer(Article.features),
                defer(Article.title_embedding),
                joinedload(Article.outlet),
            ),
        )
        .order_by(Article.published.asc().nulls_last(), Article.id, Passage.position)
    )
    return list(session.scalars(stmt))


def _story_articles(session: Session, story_id: int) -> list[Article]:
    stmt = (
        select(Article)
        .where(Article.story_id == story_id)
        .options(defer(Article.source_text), defer(Article.clean_text), defer(Article.features),
                 joinedload(Article.outlet))
        .order_by(Article.published.asc().nulls_last(), Article.id)
    )
    return list(session.scalars(stmt))


class _Columns:
    """Groups articles and passages into outlet columns, in order of first appearance. `refs`: the
    articles' refs, made once for all the columns of a page (a story's events share its articles)."""

    def __init__(self, refs: dict[int, ArticleRef] | None = None) -> None:
        self.columns: dict[str, OutletColumn] = {}
        self._article_ids: dict[str, set[int]] = defaultdict(set)
        self._refs = {} if refs is None else refs

    def column(self, article: Article) -> OutletColumn:
        key = column_key(article)
        ref = self._refs.get(article.id)
        if ref is None:
            ref = self._refs[article.id] = ArticleRef.of(article)
        col = self.columns.get(key)
        if col is None:
            col = self.columns[key] = OutletColumn(key=key, outlet=ref.outlet, articles=[])
        if article.id not in self._article_ids[key]:
            self._article_ids[key].add(article.id)
            col.articles.append(ref)
        return col


def _only_here(articles: list[Article], passages: list[Passage], refs: dict[int, ArticleRef] | None = None) -> _Columns:
    grouped = _Columns(refs)
    for article in articles:
        grouped.column(article)
    for p in passages:
        if p.event_id is None and p.article.story_id is not None:
            grouped.column(p.article).only_here.append(PassageView.of(p))
    return grouped


def _comparison(event: Event, story: StoryRef, passages: list[Passage], story_columns: _Columns,
                with_only_here: bool, refs: dict[int, ArticleRef] | None = None) -> EventComparison:
    reported = _Columns(refs)
    for p in passages:
        if p.event_id == event.id:
            reported.column(p.article).passages.append(PassageView.of(p))
    columns = list(reported.columns.values())
    if with_only_here:
        for col in columns:
            source = story_columns.columns.get(col.key)
            col.only_here = source.only_here if source else []
    missing = [
        OutletColumn(key=c.key, outlet=c.outlet, articles=c.articles)
        for key, c in story_columns.columns.items()
        if key not in reported.columns
    ]
    return EventComparison(event=EventRef.of(event), story=story, columns=columns, missing=missing,
                           story_order=list(story_columns.columns))


def _store() -> FramingStore:
    return FramingStore(get_engine())


def _passage_in(p: Passage) -> PassageIn:
    return PassageIn(id=p.id, article_id=p.article_id, text=p.text,
                     outlet=outlet_label(p.article.outlet.name if p.article.outlet else None, p.article_id))


def get_event_comparison(*, session: Session, event_id: int, framing: bool = False) -> EventComparison | None:
    """The event's columns; with `framing`, also its framing analysis (the story's passages as background)."""
    event = session.scalars(select(Event).where(Event.id == event_id).options(joinedload(Event.story))).one_or_none()
    if event is None:
        return None
    passages = _passages(session, event.story_id, event.id)
    articles = _story_articles(session, event.story_id)
    comparison = _comparison(event, StoryRef.of(event.story), passages, _only_here(articles, passages), True)
    if framing:
        comparison.framing = event_framing(comparison, [_passage_in(p) for p in passages], _store())
    return comparison


def get_story_overview(*, session: Session, story_id: int, framing: bool = False,
                       reader_waits: bool = True) -> StoryOverview | None:
    """The story's grid and events; with `framing`, its framing analysis too (story_framing: with no
    reader waiting, as when a worker keeps it, the full sample even where none was kept)."""
    story = session.scalars(
        select(Story).where(Story.id == story_id).options(selectinload(Story.events))
    ).one_or_none()
    if story is None:
        return None
    passages = _passages(session, story.id)
    articles = _story_articles(session, story.id)
    refs: dict[int, ArticleRef] = {}
    story_columns = _only_here(articles, passages, refs)
    ref = StoryRef.of(story)
    by_event: dict[int, list[Passage]] = defaultdict(list)
    for p in passages:
        by_event[p.event_id].append(p)
    events = [_comparison(e, ref, by_event[e.id], story_columns, False, refs) for e in story.events]
    events.sort(key=lambda c: (-len(c.columns), -sum(len(col.passages) for col in c.columns), c.event.id))
    overview = StoryOverview(story=ref, columns=list(story_columns.columns.values()), events=events)
    if framing:
        overview.framing = story_framing(overview, _store(), reader_waits=reader_waits)
    return overview
