"""What arrived since a reader's last visit: new articles and the stories they joined."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.browse.views import StoryRef
from app.db.models import Article, Story

SHOWN = 5  # stories named; the others are counted


@dataclass
class Arrivals:
    since: datetime
    articles: int
    stories: int  # stories that gained an article
    top: list[tuple[StoryRef, int]]  # the stories that gained most, with how many


def arrivals_since(*, session: Session, since: datetime, margin: timedelta = timedelta(0)) -> Arrivals:
    """Articles stamped after `since` - `margin` (stamps are transaction starts: an import commits
    some seconds after stamping), counted by the story they joined."""
    since_stamp = since - margin
    per_story = session.execute(
        select(Story, func.count(Article.id).label("n")).join(Article, Article.story_id == Story.id)
        .where(Article.created_at > since_stamp).group_by(Story.id).order_by(func.count(Article.id).desc(), Story.id.desc())
    ).all()
    articles = session.scalar(select(func.count()).select_from(Article).where(Article.created_at > since_stamp)) or 0
    return Arrivals(since=since, articles=articles, stories=len(per_story),
                    top=[(StoryRef.of(story), n) for story, n in per_story[:SHOWN]])
