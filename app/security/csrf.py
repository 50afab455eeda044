"""CSRF: signed double submit. The cookie holds a random value signed with the secret key; every
unsafe form request must send the same token back, in the `csrf_token` field or the X-CSRF-Token
header (HTMX sends the header: static/app.js copies it from <meta name="csrf-token">).
The JSON API is exempt: it takes no cookies for authentication (Bearer token only)."""
from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from app.security.keys import sign, unsign

COOKIE = "parallax_csrf"
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
PURPOSE = "csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def new_token() -> str:
    return sign(secrets.token_urlsafe(24), PURPOSE)


def valid(token: str | None) -> bool:
    return unsign(token, PURPOSE) is not None


def csrf_token(request: Request) -> str:
    """The token for this client (set on the way out by CsrfCookieMiddleware when new)."""
    return request.scope.get("state", {}).get("csrf_token") or ""


async def verify_csrf(request: Request) -> None:
    """Dependency of every page router: unsafe methods need the cookie and the same token back."""
    if request.method in SAFE_METHODS:
        return
    cookie = request.cookies.get(COOKIE)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("multipart/form-data", "application/x-www-form-urlencoded")):
        sent = (await request.form()).get(FIELD)
    if not (valid(cookie) and isinstance(sent, str) and hmac.compare_digest(sent, cookie)):
        raise HTTPException(403, "The form's security token is missing or out of date: reload the page and try again.")
