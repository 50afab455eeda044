"""Sources with their health, for the Sources page and the API."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sources.models import Source


class SourceSummary(BaseModel):
    id: int
    url: str
    outlet: str | None  # the name given, else the feed's own title; None until known
    title: str | None
    interval_s: int
    paused: bool
    last_polled_at: datetime | None
    next_poll_at: datetime
    last_status: int | None
    last_error: str | None
    failures: int
    items_seen: int
    articles_added: int
    duplicates: int

    @property
    def state(self) -> str:
        if self.paused:
            return "paused"
        if self.last_polled_at is None:
            return "waiting for its first poll"
        return "failing" if self.failures else "ok"


def summary(source: Source) -> SourceSummary:
    return SourceSummary(
        id=source.id, url=source.url, outlet=source.outlet or source.title, title=source.title,
        interval_s=source.interval_s, paused=source.paused, last_polled_at=source.last_polled_at,
        next_poll_at=source.next_poll_at, last_status=source.last_status, last_error=source.last_error,
        failures=source.failures, items_seen=source.items_seen, articles_added=source.articles_added,
        duplicates=source.duplicates)


def list_sources(*, session: Session) -> list[SourceSummary]:
    return [summary(s) for s in session.scalars(select(Source).order_by(Source.id))]
