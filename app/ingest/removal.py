"""Delete an article: its passages go with it; events and a story left empty go too."""
from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from app.db.models import Article, Event, Passage, PassageEvent, Story


def delete_article(*, session: Session, article_id: int) -> bool:
    """False when there is no such article. Commits."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    story_id = article.story_id
    event_ids = set(session.scalars(select(PassageEvent.event_id).join(Passage, Passage.id == PassageEvent.passage_id)
                                    .where(Passage.article_id == article_id)))
    session.delete(article)
    session.flush()
    if event_ids:
        session.execute(delete(Event).where(Event.id.in_(event_ids),
                                            ~exists().where(PassageEvent.event_id == Event.id)))
    if story_id is not None:
        session.execute(delete(Story).where(Story.id == story_id, ~exists().where(Article.story_id == Story.id)))
    session.commit()
    return True
