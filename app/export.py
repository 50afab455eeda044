"""`parallax export`: everything stored, as one JSON document; with --framing, the framing rows of
each story (app/framing/table.py), from the framing its page shows."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

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


def story_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Story.id).order_by(Story.id)))


def export_framing(session: Session, ids: Iterable[int]) -> Iterator:
    """Each story's framing rows in turn: its framing as kept in the database, else computed (and kept).
    A story gone meanwhile (a recluster) is skipped."""
    from app.browse.comparisons import get_story_overview  # the framing's imports: only for --framing
    from app.framing.table import framing_rows

    for story_id in ids:
        overview = get_story_overview(session=session, story_id=story_id, framing=True)
        if overview is not None:
            yield from framing_rows(overview.framing, story_id=story_id)
        session.expunge_all()  # one story's rows at a time in memory
