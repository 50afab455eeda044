"""Paths on disk (files, folders, JSONL) -> a stream of ArticleDrafts and Rejections."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from app.ingest.decode import check_size, decode_text
from app.ingest.drafts import ArticleDraft, IngestError, Rejection
from app.ingest.extract import (
    FORMATS_BY_SUFFIX,
    HTML_HEAD,
    from_html,
    from_markdown,
    from_record,
    from_text,
    looks_like_html,
)

Item = ArticleDraft | Rejection


def draft_from_bytes(data: bytes, *, source_name: str, fmt: str, max_bytes: int, **meta) -> ArticleDraft:
    """One uploaded or read file -> a draft (raises IngestError with a reason)."""
    check_size(len(data), max_bytes)
    text = decode_text(data, html=fmt == "html")
    if fmt == "html":
        return from_html(text, source_name=source_name, **meta)
    if fmt == "markdown":
        draft = from_markdown(text, source_name=source_name)
        for key, value in meta.items():
            if value:
                setattr(draft, key, value)
        return draft
    return from_text(text, source_name=source_name, **meta)


def sniff_format(path: Path, head: bytes) -> str:
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt:
        return fmt
    return "html" if looks_like_html(head[:HTML_HEAD].decode("utf-8", "replace")) else "text"


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Item]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            name = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                check_size(len(line), max_bytes)
                record = json.loads(decode_text(line))
                yield from_record(record, source_name=name)
            except json.JSONDecodeError as exc:
                yield Rejection(name, f"malformed JSON ({exc.msg} at column {exc.colno})")
            except IngestError as exc:
                yield Rejection(name, str(exc))


def _read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    try:
        size = path.stat().st_size
        check_size(size, max_bytes)
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        fmt = sniff_format(path, data)
        yield draft_from_bytes(data, source_name=str(path), fmt=fmt, max_bytes=max_bytes)
    except IngestError as exc:
        yield Rejection(str(path), str(exc))
    except OSError as exc:
        yield Rejection(str(path), f"cannot be read ({exc.strerror})")


def input_files(paths: list[Path]) -> Iterator[Path | Rejection]:
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if child.suffix.lower() in FORMATS_BY_SUFFIX:
                    yield child
        elif path.exists():
            yield path
        else:
            yield Rejection(str(path), "no such file or folder")


def read_paths(paths: list[Path], *, max_bytes: int) -> Iterator[Item]:
    """Every article found under the given paths, in a stable order; bad ones as Rejections."""
    for item in input_files(paths):
        if isinstance(item, Rejection):
            yield item
        elif FORMATS_BY_SUFFIX.get(item.suffix.lower()) == "jsonl":
            yield from _read_jsonl(item, max_bytes)
        else:
            yield from _read_file(item, max_bytes)
