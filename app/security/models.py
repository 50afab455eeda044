"""The write rate limit's token buckets, one row per client address (app/security/ratelimit.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class RateBucket(Base):
    __tablename__ = "rate_limits"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)  # the client's address
    tokens: Mapped[float] = mapped_column(Float)  # left at updated_at; refills at the configured rate
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
