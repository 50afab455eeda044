"""Headers on every response, request ids, CSRF on forms, the admin token for writes, body size
and rate limits, and uploaded markup shown as text."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text

from app.security.middleware import CSP
from tests.conftest import row_counts
from tests.factories import make_story, run_jobs, web_client
from tests.web.test_upload import BODY

HX = {"HX-Request": "true"}
TOKEN = "test-admin-token"


@pytest.fixture
def client(session):
    with web_client(session) as c:
        yield c


@pytest.mark.parametrize("path", ["/", "/upload", "/api/stories", "/static/app.css", "/no-such-page", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self';" in CSP and "frame-ancestors 'none'" in CSP and "form-action 'self'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_request_ids_are_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\x7f"}).headers["x-request-id"]
    assert made != "bad id\x7f" and len(made) == 32


def test_pages_have_no_inline_script_or_style_and_carry_the_csrf_meta(client, session):
    make_story(session)
    for path in ("/", "/upload", "/articles"):
        page = BeautifulSoup(client.get(path).text, "html.parser")
        assert all(s.get("src") for s in page.select("script")), path
        assert not page.select("[style]") and not page.select("style"), path
        assert not [t for t in page.find_all(True) if any(a.startswith("hx-on") for a in t.attrs)], path
        assert page.select_one("meta[name=csrf-token]")["content"]
        for form in page.select("form[method=post]"):
            assert form.select_one("input[name=csrf_token]")["value"], path


def test_forms_need_the_csrf_token(session):
    with web_client(session, csrf=False) as client:
        page = BeautifulSoup(client.get("/upload").text, "html.parser")
        token = page.select_one("input[name=csrf_token]")["value"]
        refused = client.post("/upload", data={"text": ""})
        assert refused.status_code == 403 and "security token" in refused.text
        assert client.post("/upload", data={"text": "", "csrf_token": "x" + token}).status_code == 403
        assert client.post("/upload", data={"text": "", "csrf_token": token}).status_code == 422  # past CSRF
        assert client.post("/upload", data={"text": ""}, headers={"X-CSRF-Token": token}).status_code == 422
        client.cookies.clear()  # a token without its cookie (another site's form) is refused
        assert client.post("/upload", data={"text": "", "csrf_token": token}).status_code == 403


def test_with_an_admin_token_writes_need_it_and_reading_stays_public(session, settings, monkeypatch):
    monkeypatch.setattr(settings, "admin_token", TOKEN)
    story = make_story(session)
    with web_client(session) as client:
        assert client.get(f"/stories/{story.id}").status_code == 200
        assert client.get("/api/stories").status_code == 200
        assert client.get("/upload", follow_redirects=False).headers["location"] == "/login?next=/upload"
        assert client.post("/upload", data={"text": BODY}).status_code == 401
        refused = client.post("/api/articles", json={"text": BODY})
        assert refused.status_code == 401 and "Bearer" in refused.json()["detail"]
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = {"Authorization": "Bearer nope"}
        assert client.post("/api/recluster", headers=wrong).status_code == 401
        article_id = story.articles[0].id
        assert client.delete(f"/api/articles/{article_id}").status_code == 401
        assert client.post("/login", data={"token": "nope", "next": "/upload"}).status_code == 401
        assert row_counts(session)["articles"] == 3

        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert client.post("/api/articles", json={"text": BODY}, headers=bearer).status_code == 202
        unconfirmed = client.delete(f"/api/articles/{article_id}", headers=bearer)
        assert unconfirmed.status_code == 422 and unconfirmed.json()["detail"][0]["loc"] == ["query", "confirm"]
        mistaken = client.delete(f"/api/articles/{article_id}?confirm={article_id + 1}", headers=bearer)
        assert mistaken.status_code == 409 and f"confirm={article_id}" in mistaken.json()["detail"]
        assert row_counts(session)["articles"] == 3  # nothing deleted (the upload is a queued job)
        assert client.delete(f"/api/articles/{article_id}?confirm={article_id}", headers=bearer).status_code == 204
        assert client.delete(f"/api/articles/{article_id}?confirm={article_id}", headers=bearer).status_code == 404
        assert row_counts(session)["articles"] == 2

        login = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/"  # no open redirect
        assert "httponly" in login.headers["set-cookie"].lower()
        assert client.get("/upload").status_code == 200
        text = BODY.replace("harbour", "river")
        assert client.post("/upload", data={"text": text}, headers=HX).status_code == 202
        assert client.post("/api/articles", json={"text": text + " More."}).status_code == 401  # API: Bearer only


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings, monkeypatch, session):
    monkeypatch.setattr(settings, "max_request_bytes", 4000)
    before = row_counts(session)
    with web_client(session) as small:
        declared = small.post("/api/articles", json={"text": "x" * 5000})
        assert declared.status_code == 413 and "4,000 byte limit" in declared.json()["detail"]
        assert declared.headers["x-content-type-options"] == "nosniff"

        def chunks():
            for _ in range(10):
                yield b"a" * 1000

        streamed = small.post("/api/articles", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        form = small.post("/upload", files={"file": ("a.txt", b"word " * 2000)}, headers=HX)
        assert form.status_code == 413 and "4,000 byte limit" in form.json()["detail"]  # app.js shows it
        plain = small.post("/upload", data={"text": "word " * 2000}, headers={"Accept": "text/html"})
        assert plain.status_code == 413 and plain.headers["content-type"].startswith("text/html")
        assert "over the 4,000 byte limit" in plain.text and "Nothing was stored" in plain.text
    assert row_counts(session) == before


def test_writes_are_rate_limited_per_client(engine, session, settings, monkeypatch):
    monkeypatch.setattr(settings, "rate_limit_per_minute", 6)
    monkeypatch.setattr(settings, "rate_limit_burst", 2)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM rate_limits"))
    story = make_story(session)
    with web_client(session) as client:
        statuses = [client.post("/api/snapshots", json={"kind": "story", "id": story.id}).status_code
                    for _ in range(3)]
        assert statuses == [201, 200, 429]  # the second share finds the first snapshot, and still counts
        limited = client.post("/api/snapshots", json={"kind": "story", "id": story.id})
        assert int(limited.headers["retry-after"]) >= 1 and "try again" in limited.json()["detail"]
        assert client.get(f"/stories/{story.id}").status_code == 200  # reading is not limited


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_uploaded_fields_is_shown_as_text(client, session):
    response = client.post("/api/articles", json={
        "text": BODY + "\n\n" + XSS, "title": "Pier " + XSS, "outlet": "Herald " + XSS, "byline": "By " + XSS})
    assert response.status_code == 202
    run_jobs(session)
    job = client.get(response.json()["url"]).json()
    page = client.get(job["article"]["article"]["path"]).text
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select("img[onerror]") and all(s.get("src") for s in soup.select("script"))
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page


def test_readyz_checks_database_migrations_and_model(client, embedder):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "model": "ok"}}
