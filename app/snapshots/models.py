"""A snapshot: what an event or story page showed, frozen as JSON, behind a short random id."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class Snapshot(Base):
    __tablename__ = "snapshots"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # short, random, URL-safe
    kind: Mapped[str] = mapped_column(String(16))  # "event" | "story"
    target_id: Mapped[int] = mapped_column(Integer)  # the event or story id when it was taken
    model: Mapped[str] = mapped_column(String(200))  # the app's embedding model at the time
    payload: Mapped[dict] = mapped_column(JSONB)  # exactly what the page showed (app.browse views)
    # sha256 of kind, target, model and payload (service.digest): an unchanged page shared again
    # gets this snapshot back. Null for a later copy of a page shared twice before digests existed.
    digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
