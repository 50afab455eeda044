"""Polling a source: its feed fetched politely (conditional GET, robots.txt, one request at a time
per host with a delay, Retry-After, exponential backoff), each item never seen before fetched
and handed to ingest, and what came of every item recorded.

Any number of workers on any number of machines may poll: a source is claimed with FOR UPDATE
SKIP LOCKED and leased (its next poll moved past the lease) before it is fetched, so no source is
polled twice at once, and an item URL is stored once (source_items.url is unique; the article's
content hash is unique too). Requests to one host take a Postgres advisory lock keyed by the host,
so two workers never hit one host at the same moment.
"""
from __future__ import annotations

import email.utils
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.config import Settings
from app.ingest.drafts import ArticleDraft, IngestError
from app.ingest.fetch import FetchError, Refused, fetch_url, guarded_client
from app.ingest.service import TRANSIENT_REASONS
from app.sources.feeds import FeedItem, NotAFeed, canonical_url, parse_feed
from app.sources.models import Source, SourceItem

log = logging.getLogger(__name__)

FEED_TYPES = {t: "feed" for t in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                                  "application/feed+json", "application/json", "application/rdf+xml")}
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.1"
ROBOTS_AGENT = "Parallax"
ROBOTS_TTL_S = 3600.0
ITEMS_PER_POLL = 50  # newest first: a first poll of a big sitemap does not fetch thousands of pages
ITEM_ATTEMPTS = 3  # an item whose fetch fails for a passing reason is tried on this many polls
PAUSE_AFTER = 5  # failed polls in a row
MAX_BACKOFF_S = 24 * 3600

Ingest = Callable[[list[ArticleDraft]], list]  # drafts -> IngestResults, in order


@dataclass
class PollReport:
    source_id: int
    status: int | None = None
    items: int = 0
    new: int = 0
    added: int = 0
    duplicates: int = 0
    refused: int = 0
    failed: int = 0  # items to try again on a later poll
    cut: int = 0  # new items left for the next poll (over ITEMS_PER_POLL)
    error: str | None = None

    def __str__(self) -> str:
        if self.error:
            return f"source {self.source_id}: {self.error}"
        if self.status == 304:
            return f"source {self.source_id}: not modified"
        return (f"source {self.source_id}: {self.items} items, {self.new} new: {self.added} articles added, "
                f"{self.duplicates} duplicates, {self.refused} refused")


class Politeness:
    """One request at a time per host (across processes: a Postgres advisory lock keyed by the
    host), settings.source_host_delay_s apart (within this process), and robots.txt honoured (read
    once an hour per host; one that answers with a server error disallows, as RFC 9309 says)."""

    _lock = threading.Lock()
    _last: dict[str, float] = {}
    _robots: dict[str, tuple[float, RobotFileParser | None]] = {}

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session, self.settings = session, settings
        self._client = None  # one guarded client for the poll's requests, made at the first

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request(self, url: str, **kw):
        host = (urlsplit(url).hostname or "").lower()
        key = int.from_bytes(hashlib.sha256(f"host:{host}".encode()).digest()[:8], "big", signed=True)
        conn = self.session.connection()
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            with self._lock:
                wait = self._last.get(host, 0.0) + self.settings.source_host_delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if self._client is None:
                self._client = guarded_client(self.settings)
            try:
                return fetch_url(url, settings=self.settings, client=self._client, **kw)
            finally:
                with self._lock:
                    self._last[host] = time.monotonic()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = self._robots.get(root)
        if cached is None or cached[0] < time.monotonic():
            parser: RobotFileParser | None = RobotFileParser()
            try:
                page = self.request(root + "/robots.txt", types={"text/plain": "text"}, accept="text/plain")
                parser.parse(page.body.decode("utf-8", "replace").splitlines())
            except Refused as exc:
                if exc.status >= 500:
                    parser = None  # unreachable: assume everything is disallowed, for now
                else:
                    parser.parse([])  # 4xx: no robots.txt, everything allowed
            except FetchError:
                parser.parse([])  # not a text file, or no answer: as if none
            cached = (time.monotonic() + ROBOTS_TTL_S, parser)
            with self._lock:
                self._robots[root] = cached
        return cached[1] is not None and cached[1].can_fetch(ROBOTS_AGENT, url)


def add_source(session: Session, url: str, *, outlet: str | None = None, interval_s: int | None = None,
               settings: Settings) -> Source:
    """Store a source (checked like "add by URL": http(s), a public host). An URL already listed
    returns the stored source. Commits."""
    from app.ingest.fetch import check_url

    url = url.strip()
    check_url(url, allow_private=settings.fetch_allow_private)
    url = canonical_url(url)
    session.execute(insert(Source).values(url=url, outlet=(outlet or "").strip() or None,
                                          interval_s=interval_s or settings.source_interval_s)
                    .on_conflict_do_nothing(index_elements=["url"]))
    session.commit()
    return session.scalars(select(Source).where(Source.url == url)).one()


def claim_due_source(session: Session, lease_s: int = 600) -> Source | None:
    """The source most overdue, leased for `lease_s` (settings.source_lease_s: a worker that dies
    mid-poll lets it go then), or None; commits."""
    source = session.scalars(select(Source).where(Source.paused.is_(False), Source.next_poll_at <= func.now())
                             .order_by(Source.next_poll_at, Source.id).limit(1).with_for_update(skip_locked=True)).first()
    if source is None:
        session.rollback()
        return None
    source.next_poll_at = func.now() + timedelta(seconds=lease_s)
    session.commit()
    return source


def retry_after(headers: dict[str, str] | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date)."""
    value = (headers or {}).get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def poll_source(session: Session, source_id: int, *, settings: Settings, ingest: Ingest) -> PollReport:
    """Poll one source now: see the module's docstring. Records the outcome on the source and
    commits; never raises for what the network or the feed did."""
    polite = Politeness(session, settings)
    try:
        return _poll(session, source_id, settings, ingest, polite)
    finally:
        polite.close()


def _poll(session: Session, source_id: int, settings: Settings, ingest: Ingest, polite: Politeness) -> PollReport:
    source = session.get(Source, source_id, populate_existing=True)
    report = PollReport(source_id)
    headers = {k: v for k, v in (("If-None-Match", source.etag), ("If-Modified-Since", source.last_modified)) if v}
    try:
        if not polite.allowed(source.url):
            raise FetchError("robots.txt disallows fetching this feed")
        page = polite.request(source.url, types=FEED_TYPES, accept=FEED_ACCEPT, headers=headers)
        report.status = page.status
        seen = None
        if page.status != 304:
            feed = parse_feed(page.body, page.url)
            for child in feed.sitemaps:  # a sitemap index: each sitemap it lists is polled as a source
                try:
                    add_source(session, child, outlet=source.outlet, interval_s=source.interval_s, settings=settings)
                except FetchError as exc:
                    log.warning("source %s lists a sitemap that cannot be polled: %s", source_id, exc)
                source = session.get(Source, source_id)
            report.items = len(feed.items)
            _take_items(session, source_id, (source.outlet, feed.title or source.title), feed.items, polite, settings,
                        ingest, report)
            source = session.get(Source, source_id)  # ingest let go of every object it had loaded
            seen = (feed.title, (page.headers or {}).get("etag"), (page.headers or {}).get("last-modified"))
    except (FetchError, NotAFeed) as exc:
        report.error = str(exc)
        report.status = getattr(exc, "status", None)
        wait = retry_after(getattr(exc, "headers", None))
        _failed(session.get(Source, source_id), report, wait)
        session.commit()
        return report
    if seen is not None:
        source.title = seen[0] or source.title
        # Only after a complete poll: one cut short (killed, items left over or to try again) must
        # not make the next poll a 304 that skips those items.
        complete = not report.cut and not report.failed
        source.etag, source.last_modified = (seen[1], seen[2]) if complete else (None, None)
    source.failures, source.last_error, source.last_status = 0, None, report.status
    source.last_polled_at = func.now()
    source.next_poll_at = func.now() + timedelta(seconds=source.interval_s)
    source.items_seen += report.new
    source.articles_added += report.added
    source.duplicates += report.duplicates
    session.commit()
    return report


def _failed(source: Source, report: PollReport, wait: float | None) -> None:
    """Backoff: the interval doubled per failure in a row (capped at a day), or what Retry-After
    asks when that is longer; paused after PAUSE_AFTER failures in a row."""
    source.failures += 1
    source.last_error, source.last_status = report.error, report.status
    source.last_polled_at = func.now()
    backoff = min(MAX_BACKOFF_S, source.interval_s * 2 ** source.failures)
    source.next_poll_at = func.now() + timedelta(seconds=max(backoff, min(wait or 0.0, MAX_BACKOFF_S)))
    if source.failures >= PAUSE_AFTER:
        source.paused = True


def _take_items(session: Session, source_id: int, outlet: tuple[str | None, str | None], items: list[FeedItem],
                polite: Politeness, settings: Settings, ingest: Ingest, report: PollReport) -> None:
    """Fetch the items not seen before (or failed for a passing reason, fewer than ITEM_ATTEMPTS
    times), ingest them together, record each. `outlet`: (the name the source was given, which
    wins; the feed's title, taken when the page names no site)."""
    urls = list(dict.fromkeys(i.url for i in items))
    known = {row.url: row for row in session.scalars(select(SourceItem).where(SourceItem.url.in_(urls)))}
    fresh = [i for i in dict((i.url, i) for i in items).values()
             if i.url not in known or (known[i.url].status == "failed" and known[i.url].attempts < ITEM_ATTEMPTS)]
    fresh.sort(key=lambda i: i.published or date.min, reverse=True)  # newest first (stable: undated in feed order)
    report.cut = max(0, len(fresh) - ITEMS_PER_POLL)
    fresh = fresh[:ITEMS_PER_POLL]
    report.new = len(fresh)
    drafts: list[tuple[FeedItem, ArticleDraft]] = []
    for k, item in enumerate(fresh):
        if k % 10 == 9:  # a long poll keeps its lease, so no other worker takes the source meanwhile
            _extend_lease(session, source_id, settings.source_lease_s)
        outcome = _fetch_item(item, outlet, polite, settings)
        if isinstance(outcome, ArticleDraft):
            drafts.append((item, outcome))
        else:
            status, reason = outcome
            report.refused += 1
            report.failed += status == "failed"
            _record(session, source_id, item.url, status, reason, None)
    if drafts:
        _extend_lease(session, source_id, settings.source_lease_s)
    results = ingest([d for _, d in drafts]) if drafts else []
    for (item, draft), result in zip(drafts, results, strict=True):
        if draft.url != item.url:  # the page names another URL its own (rel=canonical): known too
            _record(session, source_id, draft.url, "duplicate" if result.article_id else "refused", result.reason,
                    result.article_id)
        if result.status == "ingested":
            report.added += 1
        elif result.status == "duplicate":
            report.duplicates += 1
        else:
            report.refused += 1
        status = {"ingested": "ingested", "duplicate": "duplicate"}.get(result.status, "refused")
        if status == "refused" and (result.reason or "").startswith(TRANSIENT_REASONS):
            status = "failed"  # the model or the database failed: the item is tried again
            report.failed += 1
        _record(session, source_id, item.url, status, result.reason, result.article_id)


def _extend_lease(session: Session, source_id: int, lease_s: int) -> None:
    session.execute(update(Source).where(Source.id == source_id)
                    .values(next_poll_at=func.now() + timedelta(seconds=lease_s)))
    session.commit()


def _fetch_item(item: FeedItem, outlet: tuple[str | None, str | None], polite: Politeness,
                settings: Settings) -> ArticleDraft | tuple[str, str]:
    """The item's page as a draft, the feed filling in what the page lacks; or (status, reason)."""
    from app.ingest.readers import draft_from_bytes

    if not polite.allowed(item.url):
        return "disallowed", "robots.txt disallows fetching this page"
    try:
        page = polite.request(item.url)
        draft = draft_from_bytes(page.body, source_name=f"feed:{item.url}", fmt=page.fmt,
                                 max_bytes=settings.max_article_bytes)
    except FetchError as exc:
        return ("failed" if exc.transient else "refused"), str(exc)
    except IngestError as exc:
        return "refused", str(exc)
    canonical = canonical_url(draft.url, item.url) if draft.url else item.url
    return replace(draft, url=canonical, title=draft.title or item.title, byline=draft.byline or item.author,
                   published=draft.published or item.published,
                   outlet=outlet[0] or draft.outlet or outlet[1])


def _record(session: Session, source_id: int, url: str, status: str, reason: str | None,
            article_id: int | None) -> None:
    stmt = insert(SourceItem).values(source_id=source_id, url=url, status=status, reason=reason, article_id=article_id)
    session.execute(stmt.on_conflict_do_update(index_elements=["url"], set_={
        "status": stmt.excluded.status, "reason": stmt.excluded.reason, "article_id": stmt.excluded.article_id,
        "attempts": SourceItem.attempts + 1, "seen_at": func.now()}))
    session.commit()


def poll_due(session: Session, *, settings: Settings, ingest: Ingest, limit: int | None = None) -> list[PollReport]:
    """Claim and poll due sources, one after another, until none is due (or `limit` were polled)."""
    reports = []
    while limit is None or len(reports) < limit:
        source = claim_due_source(session, settings.source_lease_s)
        if source is None:
            break
        source_id = source.id
        try:
            reports.append(poll_source(session, source_id, settings=settings, ingest=ingest))
        except Exception as exc:  # a bug or the database: the lease lets another worker try later
            session.rollback()
            log.exception("polling source %s failed", source_id)
            reports.append(PollReport(source_id, error=f"polling failed ({type(exc).__name__}: {exc})"))
    return reports
