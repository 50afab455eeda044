"""Bytes -> text, refusing binary files and text that is not UTF-8."""
from __future__ import annotations

import codecs
import re

from app.ingest.drafts import IngestError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def check_size(size: int, limit: int) -> None:
    """Exact byte counts (rounded megabytes read "2.0 MB, over the 2.0 MB limit"). A reader that
    stopped at limit + 1 bytes does not know the size, so it is not stated."""
    if size > limit:
        raise IngestError(f"is over the {limit:,} byte limit" if size == limit + 1
                          else f"is {size:,} bytes, over the {limit:,} byte limit")


_CONTROL = frozenset(range(32)) - {9, 10, 12, 13} | frozenset(range(0x7F, 0xA0))  # C0 (bar tab, newlines), DEL, C1


def looks_binary_text(text: str) -> bool:
    """Decoded text that is binary data in disguise (bytes pasted or sent as a JSON string): a NUL,
    or over 5% control characters in its first 8,192. Real text has next to none."""
    head = text[:8192]
    if "\x00" in head:
        return True
    control = sum(1 for c in head if ord(c) in _CONTROL)
    return bool(head) and control / len(head) > 0.05


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and control / len(head) > 0.05


def decode_text(data: bytes, *, html: bool = False) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM; for HTML also the charset its
    <meta> declares. Anything else is refused with the offending byte and offset."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"is not valid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if _looks_binary(data):
        raise IngestError("is a binary file, not text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if html:
            match = _META_CHARSET.search(data[:4096])
            if match:
                charset = match.group(1).decode("ascii", "replace")
                try:
                    return data.decode(charset)
                except (LookupError, UnicodeDecodeError):
                    pass
        bad = data[exc.start : exc.start + 1].hex()
        raise IngestError(
            f"is not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8 and try again"
        ) from None
