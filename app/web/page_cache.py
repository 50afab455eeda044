"""Rendered pages kept across corpus generations, so a page is built once per change of what it shows.

What a reading page shows is a function of the stored corpus (which moves `corpus_state.generation`
on at every commit that changes it, and lists the stories each generation changed, see
app/db/generation.py) and of a few things about the request:
path and query, HTMX or not, whether the reader may write (the header shows a log-out form), the
host (share links are absolute). Those make the key. The one per-reader secret on a page, the CSRF
token, is stored as a placeholder and put back for each reader.

A story, event or article page says which story it shows (`shows_story`); when the generation
moves on, only the pages of the stories it changed are dropped. Every other page (home, lists,
search, snapshots) shows things across stories and is dropped at every change. A page is built
once per change: the first reader after the change builds it and gets it fresh; readers asking
for it while that build runs get the page as it was before the change, if it was dropped less
than STALE_FOR_S ago (`X-Page-Cache: stale`), else wait for the build. So a steady flow of
commits does not make every reader of home wait for its rebuild, while a reader who asks when no
one else is rebuilding the page (a writer looking at what it just changed) gets it fresh.

Only GET pages under PAGE_PREFIXES, only 200 text/html answers without cookies of their own. Each
answer carries an ETag and `Cache-Control: private, no-cache`, so browsers revalidate and get a 304 while
nothing changed, and `X-Page-Cache: hit` or `miss`. A cache per
process: N servers build a page up to N times per generation.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.browse.cache import BoundedCache
from app.db.generation import CorpusState, GenerationReader
from app.security.auth import auth_required, can_write
from app.web.templating import is_htmx

log = logging.getLogger(__name__)

PAGE_PREFIXES = ("/stories/", "/events/", "/articles", "/outlets", "/c/", "/search")
STALE_FOR_S = 5.0  # how long a dropped page may still answer readers while its rebuild runs
PLACEHOLDER = ("csrf-" + secrets.token_hex(16)).encode()  # per process: never in a page by chance
_DROPPED_HEADERS = {b"content-length", b"etag", b"cache-control"}


@dataclass(frozen=True)
class StoredPage:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes  # the CSRF token replaced by PLACEHOLDER
    digest: bytes
    stories: frozenset[int] | None  # the stories it shows; None: it may show any


def shows_story(request: Request, story_id: int) -> None:
    """Says that the page being built shows this story (and nothing of other stories but what
    every page shows, such as outlet names), so it is kept until that story changes."""
    request.state.page_stories = frozenset({story_id}) | getattr(request.state, "page_stories", frozenset())


def is_page(path: str) -> bool:
    return path == "/" or path.startswith(PAGE_PREFIXES)


class PageCacheMiddleware:
    """Runs inside RequestContextMiddleware, which puts the reader's CSRF token in scope state."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 generation: Callable[[int | None], Awaitable[CorpusState]] | None = None) -> None:
        self.app = app
        self.read_generation = generation or GenerationReader()
        self.pages = BoundedCache(max_bytes)
        self.generation: int | None = None  # the generation the stored pages belong to
        self.building: dict[tuple, tuple[int, asyncio.Future]] = {}  # pages being built: generation, result
        self.stale = BoundedCache(max(1, max_bytes // 4))  # dropped pages: (page, when dropped)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_page(scope["path"]) \
                or self.pages.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        token = scope.get("state", {}).get("csrf_token", "").encode()
        try:
            state = await self.read_generation(self.generation)
        except Exception:  # no database, or not migrated: serve uncached, the page says what is wrong
            log.warning("page cache off for this request: the corpus generation cannot be read", exc_info=True)
            await self.app(scope, receive, send)
            return
        generation = state.generation
        if generation != self.generation:
            self._drop_changed(state)
        key = _key(scope)
        page = self.pages.get(key)
        if page is None and (building := self.building.get(key)) is not None and building[0] == generation:
            previous = self.stale.get(key)
            if previous is not None and time.monotonic() - previous[1] < STALE_FOR_S:
                await _send(previous[0], scope, send, token, "stale")
                return
            page = await asyncio.shield(building[1])  # built once for every reader asking meanwhile
        if page is not None:
            await _send(page, scope, send, token, "hit")
            return
        built: asyncio.Future[StoredPage | None] = asyncio.get_running_loop().create_future()
        self.building[key] = (generation, built)
        try:
            page = await self._render(scope, receive, send, token)
        finally:
            built.set_result(page if not built.done() else None)
            if self.building.get(key, (None, None))[1] is built:
                del self.building[key]
        if page is None:
            return
        if generation == self.generation:
            self.pages.put(key, page, len(page.body) + 200 * len(page.headers))
        await _send(page, scope, send, token, "miss")

    def _drop_changed(self, state: CorpusState) -> None:
        """The generation moved on: drop what shows the stories it changed (every page when that
        is not known, or when it moved back, after a restore); keep the dropped pages a moment for
        readers who ask while they are rebuilt."""
        if self.generation is None or state.generation < self.generation or state.changed is None \
                or 0 in state.changed:
            self.pages.clear()
            self.stale.clear()
        else:
            changed = state.changed
            now = time.monotonic()
            for key, page, size in self.pages.drop_where(
                    lambda page: page.stories is None or not page.stories.isdisjoint(changed)):
                self.stale.put(key, (page, now), size)
        self.generation = state.generation

    async def _render(self, scope: Scope, receive: Receive, send: Send, token: bytes) -> StoredPage | None:
        """Run the app. Returns the page to store, or None when the answer was not storable (it
        has then been sent as it came)."""
        start: Message | None = None
        chunks: list[bytes] = []
        passed_through = False

        async def capture(message: Message) -> None:
            nonlocal start, passed_through
            if passed_through:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if not _storable(message, token):
                    passed_through = True
                    await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if passed_through or start is None:
            return None
        body = b"".join(chunks).replace(token, PLACEHOLDER)
        headers = [(k, v) for k, v in start["headers"] if k.lower() not in _DROPPED_HEADERS]
        stories = scope.get("state", {}).get("page_stories")
        return StoredPage(start["status"], headers, body, hashlib.blake2b(body, digest_size=12).digest(), stories)


def _key(scope: Scope) -> tuple:
    """What decides the page besides the corpus: the same test render() makes for a block or the
    whole page, the reader's write access, and the host for absolute links."""
    request = Request(scope)
    return (scope["path"], scope["query_string"], is_htmx(request), auth_required() and can_write(request),
            request.headers.get("host", ""), scope.get("scheme", "http"))


def _storable(start: Message, token: bytes) -> bool:
    headers = Headers(raw=start["headers"])
    return (start["status"] == 200 and bool(token) and "set-cookie" not in headers
            and headers.get("content-type", "").startswith("text/html"))


async def _send(page: StoredPage, scope: Scope, send: Send, token: bytes, outcome: str) -> None:
    etag = 'W/"' + hashlib.blake2b(page.digest + token, digest_size=12).hexdigest() + '"'
    start: Message = {"type": "http.response.start", "status": page.status, "headers": list(page.headers)}
    headers = MutableHeaders(scope=start)
    headers["ETag"] = etag
    headers["Cache-Control"] = "private, no-cache"
    headers["X-Page-Cache"] = outcome
    if etag in Headers(scope=scope).get("if-none-match", ""):
        start["status"] = 304
        await send(start)
        await send({"type": "http.response.body", "body": b""})
        return
    body = page.body.replace(PLACEHOLDER, token) if token else page.body
    headers["Content-Length"] = str(len(body))
    await send(start)
    await send({"type": "http.response.body", "body": body})
