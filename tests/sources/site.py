"""A local news site for the sources tests: article pages, a feed with an ETag, robots.txt."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARAGRAPH = ("The harbour authority closed the northern pier after inspectors found cracks in {n} of its "
             "pylons, and ferries moved to the southern terminal while engineers drew up repairs.")


def page(title: str | None, n: int) -> bytes:
    head = f"<title>{title}</title>" if title else ""
    body = "".join(f"<p>{PARAGRAPH.format(n=n + k)} Paragraph {k} of report {n}.</p>" for k in range(5))
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>".encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
                      for link, t, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>{entries}</channel></rss>'.encode()


class Site(BaseHTTPRequestHandler):
    routes: dict = {}
    requests: list = []
    etag = '"v1"'
    held: dict[str, threading.Event] = {}  # path -> answered only once set

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("If-None-Match"), self.headers.get("User-Agent")))
        if self.path in self.held:
            self.held[self.path].wait(600)
        if self.path == "/feed.xml" and self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if self.path == "/feed.xml" and status == 200:
            self.send_header("ETag", self.etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving():
    """The site on a free local port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    base = f"http://127.0.0.1:{server.server_port}"
    html = {"Content-Type": "text/html; charset=utf-8"}
    Site.requests, Site.etag, Site.held = [], '"v1"', {}
    Site.routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss([
            (f"{base}/news/pier?utm_source=rss", "Pier closed", "Tue, 03 Nov 2026 08:00:00 GMT"),
            (f"{base}/news/ferries", "Ferries move south", "Wed, 04 Nov 2026 08:00:00 GMT"),
            (f"{base}/news/empty", "Nothing to read", "Wed, 04 Nov 2026 09:00:00 GMT"),
            (f"{base}/private/memo", "Internal memo", "Wed, 04 Nov 2026 10:00:00 GMT"),
        ])),
        "/news/pier": (200, html, page("Northern pier closed after inspection", 1)),
        "/news/ferries": (200, html, page(None, 2)),  # no title, no date: the feed's are taken
        "/news/empty": (200, html, b"<html><body><nav>Home</nav></body></html>"),
        "/private/memo": (200, html, page("Memo", 3)),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
