"""The corpus generation: a number that moves on at the commit of every change to what the pages
show (outlets, stories, articles, events, passages, event memberships, redirects), whoever makes it. A deferred
trigger keeps it (see the corpus_generation migration), so no write path can forget it."""
from __future__ import annotations

from sqlalchemy import text

from app.db.base import get_engine

_READ = text("SELECT generation FROM corpus_state WHERE id = 1")


def current_generation() -> int:
    with get_engine().connect() as connection:
        return connection.execute(_READ).scalar_one()
