"""`parallax export`: everything stored, as one JSON document."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Article, Passage


def export_corpus(session: Session) -> dict:
    articles = session.scalars(
        select(Article).options(selectinload(Article.outlet), selectinload(Article.passages)).order_by(Article.id)
    ).all()
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
    }


def _passage(p: Passage) -> dict:
    return {"id": p.id, "position": p.position, "start": p.start, "end": p.end, "text": p.text,
            "event_id": p.event_id, "embedding_model": p.embedding_model}
