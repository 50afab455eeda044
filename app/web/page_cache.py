"""Rendered pages kept across corpus generations, so a page is built once per change of what it shows.

What a reading page shows is a function of the stored corpus (which moves `corpus_state.generation`
on at every commit that changes it, and lists the stories each generation changed, see
app/db/generation.py) and of a few things about the request:
path and query, HTMX or not, whether the reader may write (the header shows a log-out form), the
host (share links are absolute). Those make the key. The one per-reader secret on a page, the CSRF
token, is stored as a placeholder and put back for each reader.

A story, event or article page says which story it shows (`shows_story`); when the generation
moves on, only the pages of the stories it changed are dropped. Every other page (home, lists,
search, snapshots) shows things across stories and is dropped at every change.

Only GET pages under PAGE_PREFIXES, only 200 text/html answers without cookies of their own. Each
answer carries an ETag and `Cache-Control: private, no-cache`, so browsers revalidate and get a 304 while
nothing changed, and `X-Page-Cache: hit` or `miss`. A cache per
process: N servers build a page up to N times per generation.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
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
            if self.generation is None or generation < self.generation or state.changed is None \
                    or 0 in state.changed:  # moved back (a restore), or not known what changed
                self.pages.clear()
            else:
                changed = state.changed
                self.pages.drop_where(lambda page: page.stories is None or not page.stories.isdisjoint(changed))
            self.generation = generation
        key = _key(scope)
        page = self.pages.get(key)
        if page is not None:
            await _send(page, scope, send, token, "hit")
            return
        page = await self._render(scope, receive, send, token)
        if page is None:
            return
        if generation == self.generation:
            self.pages.put(key, page, len(page.body) + 200 * len(page.headers))
        await _send(page, scope, send, token, "miss")

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
