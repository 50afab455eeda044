"""`parallax export`: everything stored, as one JSON document."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Article, Event, Passage, Story


def export_corpus(session: Session) -> dict:
    articles = session.scalars(
        select(Article).options(selectinload(Article.outlet), selectinload(Article.passages)).order_by(Article.id)
    ).all()
    stories = session.scalars(select(Story).options(selectinload(Story.articles)).order_by(Story.id)).all()
    events = session.scalars(select(Event).options(selectinload(Event.passages)).order_by(Event.id)).all()
    return {
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "outlet": a.outlet.name if a.outlet else None,
                "title": a.title,
                "byline": a.byline,
                "published": a.published.isoformat() if a.published else None,
                "language": a.language,
                "story_id": a.story_id,
                "passages": [_passage(p) for p in a.passages],
            }
            for a in articles
        ],
        "stories": [
            {"id": s.id, "title": s.title, "article_ids": sorted(a.id for a in s.articles)} for s in stories
        ],
        "events": [
            {
                "id": e.id,
                "story_id": e.story_id,
                "label": e.label,
                "passages": [
                    {"id": p.id, "article_id": p.article_id, "start": p.start, "end": p.end, "text": p.text}
                    for p in sorted(e.passages, key=lambda p: (p.article_id, p.position))
                ],
            }
            for e in events
        ],
    }


def _passage(p: Passage) -> dict:
    return {"id": p.id, "position": p.position, "start": p.start, "end": p.end, "text": p.text,
            "event_id": p.event_id, "embedding_model": p.embedding_model}
