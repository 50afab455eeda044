"""Polling sources against a local site, with the real database, model and ingest: items become
articles once, the feed fills in what a page lacks, and the site is treated politely."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.db.models import Article
from app.ingest.fetch import FetchError
from app.pipeline import poll_sources
from app.sources.models import Source, SourceItem
from app.sources.polling import PAUSE_AFTER, add_source, claim_due_source
from tests.sources.site import Site, page


@pytest.fixture
def polite(settings):
    return settings.model_copy(update={"fetch_allow_private": True, "source_host_delay_s": 0.01,
                                       "fetch_timeout_s": 5})


def poll(session, embedder, settings):
    return poll_sources(session, embedder=embedder, settings=settings)


def make_due(session, source_id):
    session.execute(update(Source).where(Source.id == source_id).values(next_poll_at=func.now()))
    session.commit()


def test_a_poll_turns_each_new_item_into_an_article_and_records_every_item(session, embedder, polite, site):
    source = add_source(session, site + "/feed.xml", outlet="Harbour Gazette", settings=polite).id
    [report] = poll(session, embedder, polite)
    assert (report.status, report.items, report.new, report.added, report.refused) == (200, 4, 4, 2, 2), str(report)
    items = {i.url.removeprefix(site): i for i in session.scalars(select(SourceItem))}
    assert {u: i.status for u, i in items.items()} == {
        "/news/pier": "ingested", "/news/ferries": "ingested", "/news/empty": "refused", "/private/memo": "disallowed"}
    assert "text" in items["/news/empty"].reason and "robots.txt" in items["/private/memo"].reason
    pier, ferries = (session.get(Article, items[u].article_id) for u in ("/news/pier", "/news/ferries"))
    assert pier.title == "Northern pier closed after inspection" and pier.url == site + "/news/pier"
    assert (ferries.title, str(ferries.published)) == ("Ferries move south", "2026-11-04")
    assert pier.outlet.name == ferries.outlet.name == "Harbour Gazette"
    assert pier.story_id is not None
    stored = session.get(Source, source, populate_existing=True)
    assert (stored.items_seen, stored.articles_added, stored.last_status, stored.failures) == (4, 2, 200, 0)
    assert stored.title == "Harbour Gazette" and stored.etag == '"v1"'
    assert stored.next_poll_at > datetime.now(UTC) + timedelta(seconds=stored.interval_s - 60)
    paths = [p for p, _, _ in Site.requests]
    assert paths.count("/robots.txt") <= 1 and "/private/memo" not in paths
    assert all("Parallax" in agent for _, _, agent in Site.requests)


def test_the_next_poll_asks_conditionally_and_never_fetches_a_known_item_again(session, embedder, polite, site):
    source = add_source(session, site + "/feed.xml", settings=polite).id
    poll(session, embedder, polite)
    make_due(session, source)
    Site.requests.clear()
    [report] = poll(session, embedder, polite)
    assert report.status == 304 and [(p, etag) for p, etag, _ in Site.requests] == [("/feed.xml", '"v1"')]
    Site.etag = '"v2"'  # the feed changed: one more item beside the known ones
    Site.routes["/news/storm"] = (200, {"Content-Type": "text/html"}, page("Storm closes the bay", 4))
    status, headers, body = Site.routes["/feed.xml"]
    Site.routes["/feed.xml"] = (status, headers, body.replace(
        b"<item>", f"<item><title>Storm</title><link>{site}/news/storm</link></item><item>".encode(), 1))
    make_due(session, source)
    Site.requests.clear()
    [report] = poll(session, embedder, polite)
    assert (report.new, report.added) == (1, 1)
    assert sorted(p for p, _, _ in Site.requests) == ["/feed.xml", "/news/storm"]
    assert session.scalar(select(Source.articles_added).where(Source.id == source)) == 3


def test_a_429_is_retried_no_sooner_than_retry_after_and_failures_back_off_then_pause(session, embedder, polite, site):
    Site.routes["/feed.xml"] = (429, {"Content-Type": "text/plain", "Retry-After": "7200"}, b"slow down")
    source = add_source(session, site + "/feed.xml", settings=polite).id
    [report] = poll(session, embedder, polite)
    assert report.status == 429 and "429" in report.error
    stored = session.get(Source, source, populate_existing=True)
    assert stored.next_poll_at >= datetime.now(UTC) + timedelta(seconds=7000) and stored.failures == 1
    Site.routes["/feed.xml"] = (500, {"Content-Type": "text/plain"}, b"down")
    waits = []
    for _ in range(PAUSE_AFTER - 1):
        make_due(session, source)
        poll(session, embedder, polite)
        stored = session.get(Source, source, populate_existing=True)
        waits.append(stored.next_poll_at - stored.last_polled_at)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert stored.paused and stored.failures == PAUSE_AFTER and "500" in stored.last_error
    make_due(session, source)
    assert poll(session, embedder, polite) == []  # a paused source is not polled


def test_a_source_is_claimed_by_one_worker_at_a_time(engine, session, polite, site):
    from sqlalchemy.orm import Session

    add_source(session, site + "/feed.xml", settings=polite)
    with Session(bind=session.connection()) as first:
        claimed = claim_due_source(first)
        assert claimed is not None
    assert claim_due_source(session) is None  # leased: not due again until the lease runs out


def test_a_feed_on_a_private_address_is_refused_unless_allowed(session, settings, site):
    with pytest.raises(FetchError, match="private or reserved"):
        add_source(session, site + "/feed.xml", settings=settings.model_copy(update={"fetch_allow_private": False}))


def test_a_page_that_is_not_a_feed_is_an_error_in_words(session, embedder, polite, site):
    Site.routes["/feed.xml"] = (200, {"Content-Type": "application/xml"}, b"<html><body>Hi</body></html>")
    add_source(session, site + "/feed.xml", settings=polite)
    [report] = poll(session, embedder, polite)
    assert "not an RSS, Atom or JSON feed" in report.error


@pytest.mark.parametrize(("route", "said"), [
    ((200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>broken"), "malformed feed"),
    ((200, {"Content-Type": "text/html"}, b"<html><body>Home</body></html>"), "not of a type taken here"),
    ((200, {"Content-Type": "application/rss+xml"}, b"<rss>" + b" " * 3_000_000 + b"</rss>"), "byte limit"),
    ((302, {"Location": "/feed.xml"}, b""), "more than 5 redirects"),
    ((302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""), "private or reserved"),
])
def test_a_bad_feed_is_an_error_in_words_and_stores_nothing(session, embedder, polite, site, route, said):
    from tests.conftest import row_counts

    Site.routes["/feed.xml"] = route
    source = add_source(session, site + "/feed.xml", settings=polite).id
    before = row_counts(session)
    [report] = poll(session, embedder, polite.model_copy(update={"fetch_allow_private": route[0] != 302
                                                                 or "169.254" not in route[1]["Location"]}))
    assert said in report.error
    stored = session.get(Source, source, populate_existing=True)
    assert said in stored.last_error and stored.failures == 1
    assert row_counts(session) == before


def test_items_that_all_404_are_recorded_and_not_fetched_again(session, embedder, polite, site):
    for path in ("/news/pier", "/news/ferries", "/news/empty"):
        Site.routes.pop(path)
    source = add_source(session, site + "/feed.xml", settings=polite).id
    [report] = poll(session, embedder, polite)
    assert (report.added, report.refused) == (0, 4)
    reasons = {i.url.removeprefix(site): i.reason for i in session.scalars(select(SourceItem))}
    assert "404" in reasons["/news/pier"]
    make_due(session, source)
    Site.etag = '"v2"'  # the feed says it changed, with the same items
    Site.requests.clear()
    [report] = poll(session, embedder, polite)
    assert report.new == 0 and [p for p, _, _ in Site.requests] == ["/feed.xml"]


def test_a_feed_that_renames_every_item_on_every_poll_stores_each_article_once(session, embedder, polite, site):
    """Items are known by their canonical URL, not by the feed's ids (which this feed changes on each
    poll) and not by the tracking parameters it adds."""
    status, headers, body = Site.routes["/feed.xml"]
    source = add_source(session, site + "/feed.xml", settings=polite).id
    poll(session, embedder, polite)
    stored = session.scalar(select(func.count()).select_from(Article))
    Site.routes["/feed.xml"] = (status, headers, body.replace(b"utm_source=rss", b"utm_source=rss2&amp;fbclid=x")
                                .replace(b"<item>", b"<item><guid>renamed</guid>"))
    Site.etag = '"v2"'
    make_due(session, source)
    [report] = poll(session, embedder, polite)
    assert report.new == 0 and session.scalar(select(func.count()).select_from(Article)) == stored


def test_a_sitemap_index_adds_the_sitemaps_it_lists_as_sources(session, embedder, polite, site):
    Site.routes["/sitemap-index.xml"] = (200, {"Content-Type": "application/xml"}, (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site}/feed.xml</loc></sitemap></sitemapindex>").encode())
    add_source(session, site + "/sitemap-index.xml", outlet="Harbour Gazette", settings=polite)
    [report] = poll(session, embedder, polite)[:1]
    assert report.items == 0 and report.error is None
    child = session.scalars(select(Source).where(Source.url == site + "/feed.xml")).one()
    assert child.outlet == "Harbour Gazette"
    assert session.scalar(select(func.count()).select_from(SourceItem).where(SourceItem.url.like("%.xml"))) == 0


def test_a_retry_after_of_years_waits_a_day_at_most_and_still_counts_the_failure(session, embedder, polite, site):
    Site.routes["/feed.xml"] = (503, {"Content-Type": "text/plain", "Retry-After": "99999999999999"}, b"busy")
    source = add_source(session, site + "/feed.xml", settings=polite).id
    [report] = poll(session, embedder, polite)
    assert report.status == 503
    stored = session.get(Source, source, populate_existing=True)
    assert stored.failures == 1 and stored.next_poll_at - stored.last_polled_at <= timedelta(days=1, seconds=1)


def test_an_item_the_model_failed_on_is_tried_again_and_the_feed_asked_in_full(session, polite, site):
    from app.pipeline import poll_sources

    class Broken:
        name, dim, batch_size = "all-MiniLM-L6-v2", 384, 32

        def embed(self, texts):
            raise RuntimeError("out of memory")

    source = add_source(session, site + "/feed.xml", settings=polite).id
    [report] = poll_sources(session, embedder=Broken(), settings=polite)
    assert report.failed == 2 and report.added == 0
    failed = session.scalars(select(SourceItem).where(SourceItem.status == "failed")).all()
    assert len(failed) == 2 and all("embedding failed" in i.reason for i in failed)
    stored = session.get(Source, source, populate_existing=True)
    assert stored.etag is None  # so the next poll reads the feed again instead of a 304


def test_a_poll_queues_the_framing_of_the_stories_it_touched_as_a_bulk_import_does(session, embedder, polite, site):
    """The worker that polled frames nothing itself: one background job per story the new
    articles joined, run when no other job waits."""
    from app.db.models import Framing
    from app.jobs.models import FRAME, Job

    add_source(session, site + "/feed.xml", settings=polite)
    poll(session, embedder, polite)
    stories = set(session.scalars(select(Article.story_id)))
    jobs = session.scalars(select(Job).where(Job.kind == FRAME)).all()
    assert stories and sorted(j.payload["story_id"] for j in jobs) == sorted(stories)
    assert {j.status for j in jobs} == {"queued"}
    assert not session.scalars(select(Framing).where(Framing.kind == "story", Framing.subject_id.in_(stories))).all()
