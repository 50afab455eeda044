"""What a source lists: RSS 2.0, Atom and JSON Feed through feedparser, sitemaps (news sitemaps
included) and OPML through defusedxml. Pure: bytes in, items out; no network, no database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.sax.saxutils import quoteattr

# Query parameters that only say where a reader came from: dropped, so one article has one URL.
TRACKING = ("utm_", "mc_", "pk_", "at_")
TRACKING_EXACT = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ocid", "cmpid", "ncid",
                            "smid", "ref", "ref_src", "src", "spm", "_ga", "guccounter"})


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str | None = None
    published: dt.date | None = None
    author: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    items: list[FeedItem]
    sitemaps: list[str] = field(default_factory=list)  # what a sitemap index lists: sitemaps, not articles


class NotAFeed(ValueError):
    """The body is neither a feed nor a sitemap that lists anything."""


def canonical_url(url: str, base: str | None = None) -> str:
    """One spelling per article: absolute, scheme and host lower-cased, default port, fragment and
    tracking parameters (utm_*, fbclid, ...) dropped, a bare path '/'."""
    parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not (k.lower() in TRACKING_EXACT or k.lower().startswith(TRACKING))])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _date(struct) -> dt.date | None:
    """feedparser's parsed dates are UTC struct_times."""
    try:
        return dt.date(struct[0], struct[1], struct[2]) if struct else None
    except (TypeError, ValueError, IndexError):
        return None


def parse_feed(body: bytes, url: str) -> Feed:
    """The items of an RSS, Atom or JSON feed, or of a sitemap (news sitemaps give title and date)."""
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(body, url)
    if head.startswith(b"{"):
        return _json_feed(body, url)
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:  # feedparser names the format it recognised
        why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise NotAFeed(f"not an RSS, Atom or JSON feed or a sitemap{why}")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next((x.get("href") for x in entry.get("links", []) if x.get("href")), None)
        if not link:
            continue
        items.append(FeedItem(url=canonical_url(link, url), title=_clean(entry.get("title")),
                              published=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
                              author=_clean(entry.get("author"))))
    if parsed.get("bozo") and not items:  # broken XML it could read no item from
        raise NotAFeed(f"a malformed feed with no readable item ({parsed.bozo_exception})")
    return Feed(title=_clean(parsed.feed.get("title")), items=items)


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


def _json_feed(body: bytes, url: str) -> Feed:
    """JSON Feed 1.x (https://jsonfeed.org/version/1.1)."""
    import json

    try:
        data = json.loads(body)
    except ValueError as exc:
        raise NotAFeed(f"not a JSON feed ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise NotAFeed("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = []
    for entry in data.get("items") or []:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        if not isinstance(link, str) or not link:
            continue
        published = None
        if isinstance(entry.get("date_published"), str):
            try:
                published = dt.datetime.fromisoformat(entry["date_published"].replace("Z", "+00:00")).date()
            except ValueError:
                published = None
        authors = entry.get("authors") or ([entry["author"]] if isinstance(entry.get("author"), dict) else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
        items.append(FeedItem(url=canonical_url(link, url), title=_clean(entry.get("title")
                                                                       if isinstance(entry.get("title"), str) else None),
                              published=published, author=_clean(author)))
    return Feed(title=_clean(data.get("title") if isinstance(data.get("title"), str) else None), items=items)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(body: bytes, url: str) -> Feed:
    """<urlset>: each <loc>, with news:title and news:publication_date or lastmod when given.
    A <sitemapindex>: the sitemaps it lists, as Feed.sitemaps (they are polled, not fetched as pages)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise NotAFeed(f"not a sitemap ({exc})") from None
    items = []
    for node in root:
        fields: dict[str, str] = {}
        for child in node.iter():
            if child.text and child.text.strip():
                fields.setdefault(_local(child.tag), child.text.strip())
        if "loc" not in fields:
            continue
        published = None
        stamp = fields.get("publication_date") or fields.get("lastmod")
        if stamp:
            try:
                published = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
            except ValueError:
                published = None
        items.append(FeedItem(url=canonical_url(fields["loc"], url), title=_clean(fields.get("title")),
                              published=published))
    if _local(root.tag) == "sitemapindex":
        return Feed(title=None, items=[], sitemaps=[i.url for i in items])
    return Feed(title=None, items=items)


def read_opml(body: bytes) -> list[tuple[str, str | None]]:
    """(feed URL, title) of every outline with an xmlUrl, nested folders included."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise NotAFeed(f"not an OPML file ({exc})") from None
    if _local(root.tag).lower() != "opml":
        raise NotAFeed(f"not an OPML file (its root is <{_local(root.tag)}>)")
    out = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if url:
            out.append((url.strip(), outline.get("title") or outline.get("text")))
    return out


def write_opml(sources: list[tuple[str, str | None]], title: str = "Parallax sources") -> str:
    """OPML 2.0 listing (feed URL, title) pairs, as feed readers export it."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{_escape(title)}</title></head>", "  <body>"]
    for url, name in sources:
        text = quoteattr(name or url)
        lines.append(f'    <outline type="rss" text={text} title={text} xmlUrl={quoteattr(url)}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
