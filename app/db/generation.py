"""The corpus generation: a number that moves on at the commit of every change to what the pages
show (outlets, stories, articles, events, passages, event memberships, redirects), whoever makes
it, with the stories each generation changed (corpus_changes). A deferred trigger keeps both (see
the corpus_generation and story_changes migrations), so no write path can forget them. Pages read
them on every request, so the read is one round trip on a connection of its own."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import psycopg

from app.db.base import get_engine

# The stories changed after generation %(since)s (story 0: something every page may show), or
# NULL when that is no longer listed (or not asked).
_SQL = """
SELECT s.generation,
       CASE WHEN %(since)s::bigint IS NULL OR %(since)s + 1 < s.changes_from THEN NULL
            ELSE ARRAY(SELECT DISTINCT c.story_id FROM corpus_changes c
                        WHERE c.generation > %(since)s AND c.generation <= s.generation) END
  FROM corpus_state s WHERE s.id = 1
"""


@dataclass(frozen=True)
class CorpusState:
    generation: int
    changed: frozenset[int] | None  # stories changed since the generation asked about; None: not known


class GenerationReader:
    """`await reader(since)`: the generation and the stories changed after generation `since`, on
    one async connection in autocommit, one query at a time
    (no pool, no thread, no pre-ping: a page served from memory costs little more than this read).
    Each read starts after its request arrived, so a reader never sees a generation older than a
    commit that finished before it asked. A broken connection is replaced on the next read."""

    def __init__(self) -> None:
        self._connection: psycopg.AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    async def __call__(self, since: int | None = None) -> CorpusState:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a connection and lock belong to the loop that made them
            self._loop, self._lock, self._connection = loop, asyncio.Lock(), None
        async with self._lock:
            if self._connection is None or self._connection.closed:
                url = get_engine().url.set(drivername="postgresql")
                self._connection = await psycopg.AsyncConnection.connect(
                    url.render_as_string(hide_password=False), autocommit=True)
            try:
                cursor = await self._connection.execute(_SQL, {"since": since})
                generation, changed = await cursor.fetchone()
                return CorpusState(generation, None if changed is None else frozenset(changed))
            except psycopg.Error:
                await self._connection.close()
                self._connection = None
                raise
