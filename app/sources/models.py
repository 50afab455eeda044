"""A source (a feed or sitemap Parallax polls) and the item URLs it has seen."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

SOURCE_KINDS = ("feed", "sitemap")


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_due", "paused", "next_poll_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    outlet: Mapped[str | None] = mapped_column(String(200))  # names the articles; else the feed's title
    title: Mapped[str | None] = mapped_column(Text)  # the feed's own title, once polled
    interval_s: Mapped[int] = mapped_column(Integer, server_default="900")
    next_poll_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)  # HTTP status of the last poll
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, server_default="0")  # in a row
    paused: Mapped[bool] = mapped_column(Boolean, server_default="false")
    items_seen: Mapped[int] = mapped_column(Integer, server_default="0")
    articles_added: Mapped[int] = mapped_column(Integer, server_default="0")
    duplicates: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SourceItem(Base):
    """An item URL (canonical) seen in any source: fetched once, whatever came of it."""

    __tablename__ = "source_items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    status: Mapped[str] = mapped_column(String(16))  # ingested | duplicate | refused | failed | disallowed
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="1")
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
