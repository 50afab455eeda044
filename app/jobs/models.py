"""A job: one piece of background work (ingest an article, fetch one by URL, recluster)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

ACTIVE = ("queued", "running")
FRAME = "frame_story"  # keep a story's framing after a bulk import or a poll changed it
FRAME_EVENT = "frame_event"  # keep an event's framing, queued by the framing of its story
BACKGROUND = (FRAME, FRAME_EVENT)  # kinds a worker takes only when nothing else is due: an upload never waits on them


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # What a worker asks for: due queued jobs, and running ones whose worker may have died.
        Index("ix_jobs_status_run_after", "status", "run_after"),
        # At most one unfinished job per key: the same article submitted twice at once is one job.
        Index("ix_jobs_active_key", "key", unique=True, postgresql_where=text("status IN ('queued', 'running')")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # ingest_article | fetch_article | recluster | frame_story | frame_event
    key: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[dict] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), server_default="queued")  # queued|running|done|failed
    stage: Mapped[str | None] = mapped_column(String(32))  # what a running job does now: fetching, embedding...
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    max_attempts: Mapped[int] = mapped_column(Integer, server_default="5")
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    locked_by: Mapped[str | None] = mapped_column(String(200))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def progress(self) -> str:
        """queued, fetching, embedding, clustering, done or failed."""
        if self.status == "running":
            return self.stage or "running"
        if self.status == "queued" and self.attempts:
            return "retrying"
        return self.status
