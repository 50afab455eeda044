"""An article submitted through the upload form or POST /api/articles: check every field that needs
no model (empty, too short, too big, binary, encoding, duplicate), then queue a job that embeds and
groups it. Problems are reported per field; nothing is queued when anything is wrong. With only a
URL (no text, no file), the job fetches the page first."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.config import Settings
from app.ingest.drafts import ArticleDraft, FutureDate, IngestError, optional_text, parse_published
from app.ingest.extract import from_text
from app.ingest.fetch import FetchError, check_url
from app.ingest.readers import draft_from_bytes
from app.ingest.service import find_duplicates, prepare
from app.jobs import queue
from app.jobs.models import Job
from app.jobs.tasks import FETCH, INGEST, draft_payload

FILE_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
TEXT_FORMATS = ("text", "markdown", "html")
FIELDS = ("outlet", "title", "url", "published", "byline", "text", "file")
LIMITS = {"outlet": 200, "title": 500, "url": 2000, "byline": 500}


@dataclass
class Submission:
    outlet: str = ""
    title: str = ""
    url: str = ""
    published: str = ""
    byline: str = ""
    text: str = ""
    text_format: str = "text"  # how pasted text is read: text | markdown | html
    file_name: str | None = None
    file_data: bytes | None = None


@dataclass
class Outcome:
    errors: dict[str, str] = field(default_factory=dict)  # field -> message
    job: Job | None = None  # the queued job that embeds and groups the article
    duplicate_of: int | None = None  # set with an error when the text is already stored

    @property
    def ok(self) -> bool:
        return not self.errors and self.job is not None


def _metadata(sub: Submission, errors: dict[str, str]) -> dict:
    meta: dict = {}
    for name, limit in LIMITS.items():
        try:
            meta[name] = optional_text(getattr(sub, name), name, limit)
        except IngestError as exc:
            errors[name] = str(exc)
    if meta.get("url"):
        try:
            parts = urlsplit(meta["url"])
            named = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:  # a stray bracket: "Invalid IPv6 URL"
            named = False
        if not named:
            errors["url"] = "URL must start with http:// or https:// and name a host"
    try:
        meta["published"] = parse_published(sub.published.strip())
    except FutureDate as exc:
        errors["published"] = str(exc)
    except IngestError:
        errors["published"] = "published must be a date like 2025-01-31"
    return meta


def _draft(sub: Submission, meta: dict, settings: Settings, errors: dict[str, str]) -> tuple[ArticleDraft | None, str]:
    has_file = bool(sub.file_name) or bool(sub.file_data)
    has_text = bool(sub.text.strip())
    if has_file and has_text:
        errors["text"] = "paste the text or choose a file, not both"
        return None, "text"
    if not has_file:
        if not sub.text and meta.get("url") and "url" not in errors:
            return None, "url"  # fetched by the job
        if not sub.text:
            errors["text"] = "paste the article text, choose a file, or give only a URL to fetch"
            return None, "text"
        size = len(sub.text.encode("utf-8"))
        if size > settings.max_article_bytes:
            errors["text"] = f"text is {size:,} bytes, over the {settings.max_article_bytes:,} byte limit"
            return None, "text"
        fmt = sub.text_format if sub.text_format in TEXT_FORMATS else "text"
        try:
            if fmt == "text":
                return from_text(sub.text, source_name="upload", **meta), "text"
            return draft_from_bytes(sub.text.encode("utf-8"), source_name="upload", fmt=fmt,
                                    max_bytes=settings.max_article_bytes, **meta), "text"
        except IngestError as exc:
            errors["text"] = str(exc)
            return None, "text"
    suffix = "." + (sub.file_name or "").rsplit(".", 1)[-1].lower() if "." in (sub.file_name or "") else ""
    fmt = FILE_FORMATS.get(suffix)
    if fmt is None:
        errors["file"] = "choose a .txt, .md or .html file"
        return None, "file"
    if not sub.file_data:
        errors["file"] = "the file is empty"
        return None, "file"
    try:
        return draft_from_bytes(sub.file_data, source_name=f"upload:{sub.file_name}", fmt=fmt,
                                max_bytes=settings.max_article_bytes, **meta), "file"
    except IngestError as exc:
        errors["file"] = str(exc)
        return None, "file"


def submit_article(*, session: Session, submission: Submission, settings: Settings) -> Outcome:
    """Check the submission and queue its job; the job is shared with an identical unfinished one."""
    outcome = Outcome()
    meta = _metadata(submission, outcome.errors)
    draft, source_field = _draft(submission, meta, settings, outcome.errors)
    if outcome.errors:
        return outcome
    if draft is None:  # only a URL: check where it points now, fetch in the job
        try:
            check_url(meta["url"], allow_private=settings.fetch_allow_private)
        except FetchError as exc:
            outcome.errors["url"] = str(exc)
            return outcome
        payload_meta = {k: v for k, v in meta.items() if k != "url"}
        payload_meta["published"] = meta["published"].isoformat() if meta.get("published") else None
        outcome.job = queue.enqueue(session=session, kind=FETCH, key="url:" + hashlib.sha256(meta["url"].encode()).hexdigest(),
                                    payload={"url": meta["url"], "meta": payload_meta},
                                    max_attempts=settings.job_max_attempts)
        return outcome
    try:
        prepared = prepare(draft, settings)
    except IngestError as exc:
        outcome.errors[source_field] = str(exc)
        return outcome
    existing = find_duplicates(session, [prepared.content_hash]).get(prepared.content_hash)
    if existing is not None:
        outcome.duplicate_of = existing
        outcome.errors[source_field] = f"this text is already stored as article {existing}"
        return outcome
    outcome.job = queue.enqueue(session=session, kind=INGEST, key=f"article:{prepared.content_hash}",
                                payload=draft_payload(draft, field=source_field),
                                max_attempts=settings.job_max_attempts)
    return outcome
