"""Writes need PARALLAX_ADMIN_TOKEN when it is set: as `Authorization: Bearer <token>` on /api, or a
signed session cookie that /login sets after the token is entered once. Reading stays public."""
from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import HTTPException, Request

from app.config import get_settings
from app.security.keys import sign, unsign

COOKIE = "parallax_session"
PURPOSE = "session"
SESSION_SECONDS = 12 * 3600


def auth_required() -> bool:
    return bool(get_settings().admin_token)


def token_matches(candidate: str | None) -> bool:
    token = get_settings().admin_token
    return bool(token and candidate) and hmac.compare_digest(candidate.encode(), token.encode())


def _token_tag() -> str:
    """Changing the admin token ends every session made with the old one."""
    return hashlib.sha256((get_settings().admin_token or "").encode()).hexdigest()[:16]


def session_cookie() -> str:
    return sign(f"admin:{int(time.time())}:{_token_tag()}", PURPOSE)


def has_session(request: Request) -> bool:
    value = unsign(request.cookies.get(COOKIE), PURPOSE)
    if value is None:
        return False
    who, issued, tag = (value.split(":") + ["", ""])[:3]
    return who == "admin" and tag == _token_tag() and issued.isdigit() and time.time() - int(issued) < SESSION_SECONDS


def can_write(request: Request) -> bool:
    if not auth_required():
        return True
    if request.url.path.startswith("/api/"):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token_matches(token.strip())
    return has_session(request)


def require_writer(request: Request) -> None:
    """Dependency of every write (upload, recluster, delete)."""
    if can_write(request):
        return
    if request.url.path.startswith("/api/"):
        raise HTTPException(401, "This needs the admin token: send Authorization: Bearer <PARALLAX_ADMIN_TOKEN>.",
                            headers={"WWW-Authenticate": "Bearer"})
    raise HTTPException(401, "Log in with the admin token first (/login).")
