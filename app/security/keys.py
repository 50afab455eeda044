"""The key that signs cookies, and signing itself (HMAC-SHA256, URL-safe base64)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from functools import lru_cache

from app.config import get_settings

log = logging.getLogger(__name__)


@lru_cache
def secret_key() -> bytes:
    """PARALLAX_SECRET_KEY, or a random key kept in PARALLAX_DATA_DIR/secret_key (one server)."""
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir.resolve() / "secret_key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
    except Exception:
        os.close(fd)
        raise
    os.close(fd)
    log.info("created a secret key in %s (set PARALLAX_SECRET_KEY when running several servers)", path)
    return key


def _mac(value: str, purpose: str) -> str:
    digest = hmac.new(secret_key(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(value: str, purpose: str) -> str:
    return f"{value}.{_mac(value, purpose)}"


def unsign(token: str | None, purpose: str) -> str | None:
    """The signed value, or None when the token is missing or its signature is wrong."""
    if not token or "." not in token:
        return None
    value, mac = token.rsplit(".", 1)
    return value if hmac.compare_digest(mac, _mac(value, purpose)) else None
