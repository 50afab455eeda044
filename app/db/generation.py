"""The corpus generation: a number that moves on at the commit of every change to what the pages
show (outlets, stories, articles, events, passages, event memberships, redirects), whoever makes
it. A deferred trigger keeps it (see the corpus_generation migration), so no write path can forget
it. Pages read it on every request, so the read is one round trip on a connection of its own."""
from __future__ import annotations

import asyncio

import psycopg

from app.db.base import get_engine

_SQL = "SELECT generation FROM corpus_state WHERE id = 1"


class GenerationReader:
    """`await reader()`: the generation, on one async connection in autocommit, one query at a time
    (no pool, no thread, no pre-ping: a page served from memory costs little more than this read).
    Each read starts after its request arrived, so a reader never sees a generation older than a
    commit that finished before it asked. A broken connection is replaced on the next read."""

    def __init__(self) -> None:
        self._connection: psycopg.AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    async def __call__(self) -> int:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a connection and lock belong to the loop that made them
            self._loop, self._lock, self._connection = loop, asyncio.Lock(), None
        async with self._lock:
            if self._connection is None or self._connection.closed:
                url = get_engine().url.set(drivername="postgresql")
                self._connection = await psycopg.AsyncConnection.connect(
                    url.render_as_string(hide_password=False), autocommit=True)
            try:
                cursor = await self._connection.execute(_SQL)
                return (await cursor.fetchone())[0]
            except psycopg.Error:
                await self._connection.close()
                self._connection = None
                raise
