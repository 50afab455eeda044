"""Articles: the list, one article's text with its passages linked to their events, outlets."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from app.browse.views import (
    ArticleDetail,
    ArticleRef,
    EventRef,
    OutletDetail,
    OutletRef,
    OutletSummary,
    PassageInArticle,
    PassageView,
    StoryCoverage,
    StoryRef,
)
from app.db.models import Article, Outlet, Passage, Story

PAGE_SIZE = 50


def list_articles(*, session: Session, outlet_id: int | None = None, story_id: int | None = None,
                  date_from: date | None = None, date_to: date | None = None, page: int = 1,
                  page_size: int = PAGE_SIZE, count: bool = True) -> tuple[list[ArticleRef], int]:
    """A page of articles, newest first, and how many in all (0 without `count`: counting every
    article is the costly part of a short list that has no pager). The dates bound the publication
    day, both included: an article without one matches no date filter."""
    stmt = select(Article).order_by(Article.published.desc().nulls_last(), Article.id.desc())
    if outlet_id is not None:
        stmt = stmt.where(Article.outlet_id == outlet_id)
    if story_id is not None:
        stmt = stmt.where(Article.story_id == story_id)
    if date_from is not None:
        stmt = stmt.where(Article.published >= date_from)
    if date_to is not None:
        stmt = stmt.where(Article.published <= date_to)
    total = (session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0) if count else 0
    rows = session.scalars(
        stmt.options(defer(Article.source_text), defer(Article.features), joinedload(Article.outlet))
        .limit(page_size).offset((max(page, 1) - 1) * page_size)
    )
    return [ArticleRef.of(a) for a in rows], total


def get_article_detail(*, session: Session, article_id: int) -> ArticleDetail | None:
    article = session.scalars(
        select(Article).where(Article.id == article_id).options(
            defer(Article.source_text), joinedload(Article.outlet), joinedload(Article.story),
            selectinload(Article.passages).options(defer(Passage.embedding), joinedload(Passage.event)),
        )
    ).unique().one_or_none()
    if article is None:
        return None
    text = article.clean_text
    passages, cursor = [], 0
    for p in article.passages:
        passages.append(PassageInArticle(
            passage=PassageView.of(p), event=EventRef.of(p.event) if p.event else None,
            lead=text[cursor:p.start] if p.start > cursor else "",
        ))
        cursor = max(cursor, p.end)
    return ArticleDetail(
        article=ArticleRef.of(article), story=StoryRef.of(article.story) if article.story else None,
        language=article.language, passages=passages, tail=text[cursor:],
    )


def list_outlets(*, session: Session) -> list[OutletSummary]:
    rows = session.execute(
        select(Outlet, func.count(Article.id)).outerjoin(Article.__table__, Article.outlet_id == Outlet.id)
        .group_by(Outlet.id).order_by(Outlet.name)
    )
    return [OutletSummary(outlet=OutletRef.of(o), domain=o.domain, articles=n) for o, n in rows]


def outlet_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(Outlet.name).order_by(Outlet.name)))


def get_outlet_detail(*, session: Session, outlet_id: int, page: int = 1) -> OutletDetail | None:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        return None
    articles, total = list_articles(session=session, outlet_id=outlet_id, page=page)
    stories = session.execute(
        select(Story, func.count(Article.id)).join(Article, Article.story_id == Story.id)
        .where(Article.outlet_id == outlet_id).group_by(Story.id).order_by(Story.updated_at.desc(), Story.id.desc())
    )
    return OutletDetail(
        outlet=OutletRef.of(outlet), domain=outlet.domain, articles=articles, total_articles=total,
        stories=[StoryCoverage(story=StoryRef.of(s), articles=n) for s, n in stories],
    )
