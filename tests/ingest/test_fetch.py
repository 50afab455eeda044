"""Fetching by URL: a local server with loopback allowed in these tests only; refused by default;
redirects checked hop by hop; content type, size and timeouts enforced."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.config import Settings
from app.ingest.fetch import FetchError, check_url, fetch_url, is_public

ARTICLE = ("<html><head><title>Pier closed</title></head><body><article><h1>Pier closed</h1>"
           + "".join(f"<p>The harbour authority closed the northern pier after inspectors found cracks, "
                     f"paragraph {n} of the report says, and ferries moved south.</p>" for n in range(6))
           + "</article></body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def local():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    Handler.routes = {
        "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE),
        "/hop": (302, {"Location": "/article"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        "/big": (200, {"Content-Type": "text/plain"}, b"word " * 3000),
        "/gone": (410, {"Content-Type": "text/plain"}, b"gone"),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


def settings_for(**overrides) -> Settings:
    return Settings(fetch_allow_private=True, fetch_timeout_s=5, **overrides)


def test_a_page_is_fetched_after_redirects(local):
    page = fetch_url(local + "/hop", settings=settings_for())
    assert page.fmt == "html" and page.url == local + "/article" and page.body == ARTICLE


@pytest.mark.parametrize(("path", "message", "transient"), [
    ("/loop", "more than 5 redirects", False),
    ("/pdf", "application/pdf, not an HTML or text page", False),
    ("/big", "over the 10,000 byte limit", False),
    ("/gone", "answered 410", False),
])
def test_bad_pages_are_refused_with_the_reason(local, path, message, transient):
    with pytest.raises(FetchError, match=message) as caught:
        fetch_url(local + path, settings=settings_for(max_article_bytes=10_000))
    assert caught.value.transient is transient


def test_loopback_and_private_addresses_are_refused_by_default(local):
    strict = Settings(fetch_allow_private=False, fetch_timeout_s=5)
    with pytest.raises(FetchError, match="private or reserved address"):
        fetch_url(local + "/article", settings=strict)
    for url in ("http://localhost/", "http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/",
                "http://0.0.0.0/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/"):
        with pytest.raises(FetchError, match="private or reserved"):
            check_url(url, allow_private=False)


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(local, monkeypatch):
    """The first hop is allowed (as if public); the redirect to the metadata address is checked again."""
    import app.ingest.fetch as fetch

    real = fetch.resolve_checked

    def first_host_public(host, port, *, allow_private):
        return real(host, port, allow_private=allow_private or host == "127.0.0.1")

    monkeypatch.setattr(fetch, "resolve_checked", first_host_public)
    with pytest.raises(FetchError, match="169.254.169.254"):
        fetch_url(local + "/to-metadata", settings=Settings(fetch_allow_private=False, fetch_timeout_s=5))


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.0.1", False),
    ("169.254.1.1", False), ("100.64.0.1", False), ("240.0.0.1", False), ("::1", False), ("fe80::1", False),
    ("fc00::1", False), ("::ffff:10.0.0.1", False), ("2001:4860:4860::8888", True),
])
def test_address_classes(address, public):
    import ipaddress

    assert is_public(ipaddress.ip_address(address)) is public


def test_the_form_and_api_fetch_by_url_in_a_job(local, session, settings, monkeypatch):
    from tests.factories import run_jobs, web_client

    with web_client(session) as client:
        refused = client.post("/api/articles", json={"url": local + "/article"})
        assert refused.status_code == 422 and "private or reserved" in refused.json()["detail"][0]["msg"]
        assert refused.json()["detail"][0]["loc"] == ["body", "url"]
        monkeypatch.setattr(settings, "fetch_allow_private", True)
        accepted = client.post("/api/articles", json={"url": local + "/article", "outlet": "Harbour Herald"})
        assert accepted.status_code == 202 and accepted.json()["kind"] == "fetch_article"
        (job,) = run_jobs(session)
        assert job.status == "done", job.error
        article = client.get(accepted.json()["url"]).json()["article"]["article"]
        assert article["title"] == "Pier closed" and article["outlet"]["name"] == "Harbour Herald"
        failed = client.post("/upload", data={"url": local + "/pdf"}, headers={"HX-Request": "true"})
        assert failed.status_code == 202
        (job,) = run_jobs(session)
        assert job.status == "failed" and job.result == {"field": "url"}
        panel = client.get(f"/upload?job={job.id}", headers={"HX-Request": "true"}).text
        assert 'id="url-error"' in panel and "not an HTML or text page" in panel


def test_the_connection_itself_is_checked_not_only_the_url(local, monkeypatch):
    """Even if the up-front check were fooled (DNS rebinding), the connection goes only to an
    address the transport resolved and checked itself."""
    import app.ingest.fetch as fetch

    monkeypatch.setattr(fetch, "check_url", lambda url, *, allow_private: None)
    with pytest.raises(FetchError, match="private or reserved"):
        fetch_url(local + "/article", settings=Settings(fetch_allow_private=False, fetch_timeout_s=5))


@pytest.mark.parametrize("url", ["http://é.\ud800/", "http://" + "a" * 300 + ".com/", "http://!\x18x\x9b.com/"])
def test_a_host_name_the_idna_codec_refuses_is_a_clear_error(url):  # schemathesis found a 500 here
    with pytest.raises(FetchError, match="not a valid host name"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["https://a[b.com/", "http://example.com:port/", "http://[::1/"])
def test_a_url_urllib_cannot_split_is_a_clear_error(url):  # schemathesis found a 500 here too
    with pytest.raises(FetchError, match="not a valid URL"):
        check_url(url, allow_private=False)
