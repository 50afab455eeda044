"""Reading what a source lists: RSS, Atom, JSON Feed, sitemaps, OPML; one URL per article."""
import datetime as dt

import pytest

from app.sources.feeds import NotAFeed, canonical_url, parse_feed, read_opml, write_opml

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>
<item><title>Pier closed</title><link>https://news.example.com/pier?utm_source=rss&amp;id=7</link>
<pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate><author>desk@example.com (Ana Reyes)</author></item>
<item><title>No link here</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Coast Daily</title><entry><title>Ferries move south</title>
<link href="/2026/ferries#comments"/><updated>2026-11-04T10:00:00Z</updated><author><name>Li Wei</name></author>
</entry></feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "Bay Post", "items": [
{"id": "1", "url": "https://bay.example.org/a", "title": "Pier inspectors", "date_published": "2026-11-05T09:00:00+01:00",
 "authors": [{"name": "Sam Okafor"}]}, {"id": "2"}]}"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://sea.example.net/pier-report</loc><news:news><news:publication_date>2026-11-06</news:publication_date>
<news:title>The pier report</news:title></news:news></url>
<url><loc>https://sea.example.net/about</loc><lastmod>2025-01-02T00:00:00Z</lastmod></url></urlset>"""


def test_rss_items_carry_link_title_date_and_author_and_drop_tracking_parameters():
    feed = parse_feed(RSS, "https://news.example.com/feed.xml")
    assert feed.title == "Harbour Gazette"
    [item] = feed.items
    assert item.url == "https://news.example.com/pier?id=7"
    assert (item.title, item.published) == ("Pier closed", dt.date(2026, 11, 3))
    assert "Ana Reyes" in item.author


def test_atom_links_are_made_absolute_against_the_feed():
    [item] = parse_feed(ATOM, "https://coast.example.com/atom.xml").items
    assert item.url == "https://coast.example.com/2026/ferries"
    assert (item.published, item.author) == (dt.date(2026, 11, 4), "Li Wei")


def test_json_feed_items_without_a_url_are_left_out():
    feed = parse_feed(JSON_FEED, "https://bay.example.org/feed.json")
    assert feed.title == "Bay Post"
    assert [(i.url, i.title, i.published, i.author) for i in feed.items] == [
        ("https://bay.example.org/a", "Pier inspectors", dt.date(2026, 11, 5), "Sam Okafor")]


def test_a_news_sitemap_gives_titles_and_dates():
    items = parse_feed(SITEMAP, "https://sea.example.net/sitemap.xml").items
    assert [(i.url, i.title, i.published) for i in items] == [
        ("https://sea.example.net/pier-report", "The pier report", dt.date(2026, 11, 6)),
        ("https://sea.example.net/about", None, dt.date(2025, 1, 2))]


@pytest.mark.parametrize("body", [b"", b"<html><body>Hello</body></html>", b'{"items": []}', b"\x00\x01\x02binary"])
def test_what_is_not_a_feed_says_so(body):
    with pytest.raises(NotAFeed):
        parse_feed(body, "https://x.example/feed")


def test_an_xml_bomb_in_a_sitemap_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<urlset><url><loc>&lol2;</loc></url></urlset>")
    with pytest.raises(NotAFeed):
        parse_feed(bomb, "https://x.example/sitemap.xml")


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://News.Example.com:443/a?utm_medium=x&b=2&fbclid=9#top", "https://news.example.com/a?b=2"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com:8080/x?ref=home", "http://example.com:8080/x"),
])
def test_one_spelling_per_url(url, canonical):
    assert canonical_url(url) == canonical


def test_opml_round_trips_and_reads_nested_folders():
    text = write_opml([("https://a.example/feed", "A & Co <news>"), ("https://b.example/rss", None)])
    assert read_opml(text.encode()) == [("https://a.example/feed", "A & Co <news>"),
                                        ("https://b.example/rss", "https://b.example/rss")]
    nested = b"""<opml version="1.0"><body><outline text="World"><outline text="C" xmlUrl="https://c.example/f"/>
    </outline></body></opml>"""
    assert read_opml(nested) == [("https://c.example/f", "C")]
    with pytest.raises(NotAFeed):
        read_opml(b"<rss></rss>")


def test_the_example_sources_in_docs_are_a_valid_opml_file():
    from tests.conftest import ROOT

    feeds = read_opml((ROOT / "docs" / "example-sources.opml").read_bytes())
    assert len(feeds) >= 5 and all(url.startswith("https://") and name for url, name in feeds)
