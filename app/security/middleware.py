"""Plain ASGI middleware (no response buffering): request id and access log, security headers,
the CSRF cookie, the request body limit and the rate limit on writes."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from html import escape

import anyio
from fastapi import HTTPException
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import request_id
from app.security import csrf
from app.security.ratelimit import TokenBuckets

log = logging.getLogger("parallax.request")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
# /docs: Swagger UI (vendored, scripts from this site only) sets style attributes as it renders.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


async def _send(send: Send, status: int, body: bytes, content_type: bytes, headers: dict[str, str] | None) -> None:
    raw = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    await _send(send, status, json.dumps({"detail": detail}).encode(), b"application/json", headers)


async def _send_refusal(scope: Scope, send: Send, status: int, detail: str, headers: dict[str, str]) -> None:
    """JSON for the API and HTMX (app.js shows its detail), a short page for a browser's plain form
    post, which would otherwise show the raw JSON and no way back."""
    request_headers = Headers(scope=scope)
    if "text/html" not in request_headers.get("accept", "") or request_headers.get("hx-request"):
        await _send_json(send, status, detail, headers)
        return
    body = ("<!doctype html><html lang=en><meta charset=utf-8><title>Not accepted</title>"
            f"<h1>Not accepted</h1><p>{escape(detail)}</p><p>Nothing was stored. Go back to shorten the "
            "text or choose a smaller file.</p></html>").encode()
    await _send(send, status, body, b"text/html; charset=utf-8", headers)


class RequestContextMiddleware:
    """Outermost: a request id (X-Request-ID in, or a new one; always out), the security headers, a
    CSRF cookie for new clients, and one log line per request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        rid = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        cookie = _cookie(headers.get("cookie", ""), csrf.COOKIE)
        new_csrf = None if csrf.valid(cookie) else csrf.new_token()
        scope.setdefault("state", {})["csrf_token"] = new_csrf or cookie
        scope["state"]["request_id"] = rid
        path = scope["path"]
        started, status = time.perf_counter(), 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = MutableHeaders(scope=message)
                out["X-Request-ID"] = rid
                out["Content-Security-Policy"] = DOCS_CSP if path == "/docs" else CSP
                for name, value in SECURITY_HEADERS.items():
                    out[name] = value
                if new_csrf:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    out.append("Set-Cookie", f"{csrf.COOKIE}={new_csrf}; Path=/; HttpOnly; SameSite=Lax{secure}")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if not path.startswith("/static/"):
                log.info("%s %s %s", scope["method"], path, status, extra={
                    "method": scope["method"], "path": path, "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": (scope.get("client") or ("?",))[0]})
            request_id.reset(token)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"The request body is over the {limit:,} byte limit.")


class BodyLimitMiddleware:
    """Refuse a Content-Length over the limit before reading anything; count streamed (chunked)
    bytes and stop at the limit."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _send_refusal(scope, send, 413, BodyTooLarge(self.limit).detail, {"Connection": "close"})
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_refusal(scope, send, 413, exc.detail, {"Connection": "close"})


class RateLimitMiddleware:
    """Writes (POST, PUT, PATCH, DELETE) per client address: a token bucket in Postgres, shared by
    every server on the database (app/security/ratelimit.py)."""

    def __init__(self, app: ASGIApp, per_minute: float, burst: int):
        self.app = app
        self.per_minute, self.burst = per_minute, burst
        self._buckets: TokenBuckets | None = None

    def buckets(self) -> TokenBuckets:
        if self._buckets is None:
            from app.db.base import get_engine

            self._buckets = TokenBuckets(get_engine(), self.per_minute, self.burst)
        return self._buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.per_minute > 0 and scope["type"] == "http" and scope["method"] in UNSAFE:
            client = (scope.get("client") or ("unknown",))[0]
            wait = await anyio.to_thread.run_sync(self.buckets().take, client)
            if wait:
                seconds = max(1, round(wait))
                await _send_json(send, 429, f"Too many writes from your address: try again in {seconds} s.",
                                 {"Retry-After": str(seconds)})
                return
        await self.app(scope, receive, send)
