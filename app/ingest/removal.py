"""Delete an article: its passages go with it, and their kept parses; events and a story left
empty go too."""
from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from app.db.models import Article, Event, Passage, PassageEvent, PassageParse, Story
from app.framing.parses import text_digest


def delete_article(*, session: Session, article_id: int) -> bool:
    """False when there is no such article. Commits."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    story_id = article.story_id
    digests = [text_digest(p.text) for p in article.passages]
    event_ids = set(session.scalars(select(PassageEvent.event_id).join(Passage, Passage.id == PassageEvent.passage_id)
                                    .where(Passage.article_id == article_id)))
    session.delete(article)
    session.flush()
    # Parses are kept by text, a cache (made again when a page needs one): another article with a
    # passage of the same text has it parsed again, rather than every delete scanning the passages.
    session.execute(delete(PassageParse).where(PassageParse.digest.in_(digests)))
    if event_ids:
        session.execute(delete(Event).where(Event.id.in_(event_ids),
                                            ~exists().where(PassageEvent.event_id == Event.id)))
    if story_id is not None:
        session.execute(delete(Story).where(Story.id == story_id, ~exists().where(Article.story_id == Story.id)))
    session.commit()
    return True
