"""Sources on the web: added by the API or the Sources page, listed with their health, refused in words."""
from sqlalchemy import func, select

from app.sources.models import Source
from tests.factories import web_client
from tests.web.html import soup

TOKEN = "sources-admin-token"


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Source))


def test_a_source_added_through_the_api_is_listed_with_its_health(client, session, settings, monkeypatch):
    monkeypatch.setattr(settings, "fetch_allow_private", True)  # the feed's host is this machine
    url = "http://127.0.0.1:9/feed.xml?utm_source=newsletter&edition=uk"
    added = client.post("/api/sources", json={"url": url, "outlet": "Harbour Gazette"})
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["url"] == "http://127.0.0.1:9/feed.xml?edition=uk" and body["outlet"] == "Harbour Gazette"
    assert (body["items_seen"], body["articles_added"], body["paused"], body["last_polled_at"]) == (0, 0, False, None)
    again = client.post("/api/sources", json={"url": "http://127.0.0.1:9/feed.xml?edition=uk"})
    assert again.json()["id"] == body["id"] and count(session) == 1  # listed once
    assert [s["id"] for s in client.get("/api/sources").json()] == [body["id"]]
    row = soup(client.get("/sources")).select_one(f"#source-{body['id']}")
    assert "Harbour Gazette" in row.text and "waiting for its first poll" in row.text


def test_a_source_url_that_cannot_be_polled_is_refused_at_its_field(client, session):
    private = client.post("/api/sources", json={"url": "http://127.0.0.1/feed.xml"})
    assert private.status_code == 422
    [problem] = private.json()["detail"]
    assert problem["loc"] == ["body", "url"] and "private or reserved" in problem["msg"]
    assert client.post("/api/sources", json={"url": "ftp://example.com/feed"}).status_code == 422
    page = client.post("/sources", data={"url": "http://127.0.0.1/feed.xml", "outlet": "X"})
    assert page.status_code == 422
    form = soup(page)
    assert "private or reserved" in form.select_one("#source-error").text
    assert form.select_one("#source-url")["value"] == "http://127.0.0.1/feed.xml"
    assert count(session) == 0


def test_the_sources_page_adds_a_source_with_the_form(client, session, settings, monkeypatch):
    monkeypatch.setattr(settings, "fetch_allow_private", True)
    added = client.post("/sources", data={"url": "http://127.0.0.1:9/rss", "outlet": ""}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].startswith("/sources#source-")
    page = soup(client.get("/sources"))
    assert page.select_one("table.sources a.source-url")["href"] == "http://127.0.0.1:9/rss"
    assert "Outlet unknown until the first poll" in page.select_one("table.sources").text


def test_with_an_admin_token_adding_a_source_needs_it(session, settings, monkeypatch):
    monkeypatch.setattr(settings, "admin_token", TOKEN)
    monkeypatch.setattr(settings, "fetch_allow_private", True)
    with web_client(session) as client:
        refused = client.post("/api/sources", json={"url": "http://127.0.0.1:9/rss"})
        assert refused.status_code == 401
        assert client.post("/sources", data={"url": "http://127.0.0.1:9/rss"}).status_code == 401
        page = soup(client.get("/sources"))
        assert page.select_one("form.add-source") is None and "Log in" in page.text
        assert count(session) == 0
        ok = client.post("/api/sources", json={"url": "http://127.0.0.1:9/rss"},
                         headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201 and count(session) == 1
