"""The upload form: with HTMX, without JavaScript, and every bad input at its field. A valid article
becomes a job (202); the panel follows it until it shows what the article joined."""
import pytest

from tests.conftest import row_counts
from tests.factories import run_jobs
from tests.web.html import soup

BODY = (
    "The harbour authority closed the northern pier on Friday after inspectors found cracks in two pylons. "
    "Ferry services will move to the southern terminal for at least three weeks.\n\n"
    "Local businesses said the closure came at the worst possible time, just before the summer season, "
    "and asked the city for compensation. The authority said repairs would start next month."
)
HX = {"HX-Request": "true"}


def field_error(response, name):
    found = soup(response).select_one(f"#{name}-error")
    return found.get_text(" ", strip=True) if found else None


def test_the_form_labels_every_input_and_suggests_known_outlets(client, session):
    client.post("/api/articles", json={"text": BODY, "outlet": "Harbour Herald"})
    run_jobs(session)
    page = soup(client.get("/upload"))
    for control in page.select("form.upload input:not([type=hidden]), form.upload textarea, form.upload select"):
        assert page.select_one(f"label[for={control['id']}]"), control
    assert page.select_one("input#outlet")["list"] == "outlet-names"
    assert "Harbour Herald" in [o["value"] for o in page.select("datalist#outlet-names option")]
    form = page.select_one("form.upload")
    assert form["hx-post"] == "/upload" and form["action"] == "/upload" and form["hx-indicator"] == "#upload-progress"


def test_htmx_upload_follows_its_job_then_shows_the_story_and_events_it_joined(client, session):
    response = client.post("/upload", data={"text": BODY, "outlet": "Harbour Herald", "title": "Pier closed",
                                            "published": "2025-05-02"}, headers=HX)
    assert response.status_code == 202
    assert "<html" not in response.text
    panel = soup(response).select_one("#upload-panel")
    assert panel["hx-trigger"] == "every 1s" and panel["hx-get"].startswith("/upload?job=")
    assert panel.select_one(".job-steps [aria-current=step]").get_text() == "Queued"
    assert panel.select_one("form.upload") is None  # no second submission while this one runs
    run_jobs(session)
    response = client.get(panel["hx-get"], headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    panel = soup(response).select_one("#upload-panel")
    assert not panel.has_attr("hx-trigger")  # done: polling stops
    joined = panel.select_one("section.joined")
    link = joined.select_one("h2 a")
    assert link.get_text() == "Pier closed" and link["href"].startswith("/articles/")
    article = client.get(link["href"]).text
    assert "Harbour Herald" in article and "2025-05-02" in article
    story_link = joined.select_one("a[href^='/stories/']")
    assert story_link is not None or "Not yet grouped into a story." in joined.get_text()


def test_plain_post_redirects_to_the_job_then_to_the_article(client, session):
    response = client.post("/upload", data={"text": BODY, "title": "Pier closed"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/upload?job=")
    waiting = client.get(response.headers["location"], follow_redirects=False)
    assert waiting.status_code == 200
    assert soup(waiting).select_one("meta[http-equiv=refresh]")  # reloads itself without JavaScript
    run_jobs(session)
    done = client.get(response.headers["location"], follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/articles/")
    assert done.headers["location"].endswith("-pier-closed")


def test_a_file_can_be_uploaded(client, session):
    response = client.post("/upload", files={"file": ("pier.md", ("---\ntitle: From the file\n---\n" + BODY).encode())},
                           headers=HX)
    assert response.status_code == 202, field_error(response, "file")
    (job,) = run_jobs(session)
    assert job.status == "done" and job.payload["field"] == "file"
    done = client.get(f"/upload?job={job.id}", headers=HX)
    assert soup(done).select_one("section.joined h2 a").get_text() == "From the file"


def test_html_pasted_as_plain_text_is_extracted_like_an_html_upload(client, session):
    paragraphs = "".join(f"<p>{p}</p>\n" for p in BODY.split("\n\n"))
    page = (f"<!DOCTYPE html><html><head><title>Pier closed</title></head><body><nav>Home | World</nav>"
            f"<article><h1>Pier closed</h1>{paragraphs}</article><footer>Copyright</footer></body></html>")
    response = client.post("/upload", data={"text": page, "text_format": "text"}, headers=HX)
    assert response.status_code == 202, field_error(response, "text")
    (job,) = run_jobs(session)
    article = client.get(f"/api/articles/{job.result['article_id']}").json()
    assert article["article"]["title"] == "Pier closed"
    text = " ".join(p["passage"]["text"] for p in article["passages"])
    assert "harbour authority" in text and "<p>" not in text and "Home | World" not in text
    # The same markup again, sent through the API's text field: the same article.
    again = client.post("/api/articles", json={"text": page})
    assert again.status_code == 422 and str(article["article"]["id"]) in again.json()["detail"][0]["msg"]


@pytest.mark.parametrize(("data", "files", "field", "message"), [
    ({"text": ""}, None, "text", "paste the article text"),
    ({"text": "   \n  "}, None, "text", "only whitespace"),
    ({"text": "Too short to be an article."}, None, "text", "at least 200 needed"),
    ({"text": BODY, "published": "last friday"}, None, "published", "date like 2025-01-31"),
    ({"text": BODY, "published": "2099-01-01"}, None, "published", "published 2099-01-01 is in the future"),
    ({"text": BODY, "url": "javascript:alert(1)"}, None, "url", "http:// or https://"),
    ({"text": BODY, "title": "x" * 600}, None, "title", "over the 500 limit"),
    ({}, {"file": ("a.pdf", b"%PDF-1.4")}, "file", "choose a .txt, .md or .html file"),
    ({}, {"file": ("a.txt", b"")}, "file", "the file is empty"),
    ({}, {"file": ("a.txt", b"\x00\x01\x02binary" * 50)}, "file", "binary file"),
    ({}, {"file": ("a.txt", ("Caf\u00e9 " * 100).encode("latin-1"))}, "file", "not UTF-8"),
    ({}, {"file": ("a.txt", b"word " * 500_001)}, "file", "is over the 2,000,000 byte limit"),
    ({"text": "word " * 420_000}, None, "text", "text is 2,100,000 bytes, over the 2,000,000 byte limit"),
    ({"text": "".join(chr(c) for c in range(1, 256)) * 12}, None, "text", "looks like binary data"),
    ({"text": BODY}, {"file": ("a.txt", BODY.encode())}, "text", "not both"),
])
def test_bad_input_is_reported_at_its_field_and_nothing_is_stored(client, session, data, files, field, message):
    before = row_counts(session)
    response = client.post("/upload", data=data, files=files, headers=HX)
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert soup(response).select_one(f"#{field}")["aria-invalid"] == "true"
    assert row_counts(session) == before


def test_pasted_text_over_a_mebibyte_and_under_the_article_limit_is_taken(client):
    # The form parser's default limit of 1 MiB a field would refuse it with a bare 400.
    text = BODY + "\n\n" + " ".join(f"Paragraph {n} of a long report on the harbour." for n in range(25_000))
    assert 1024 * 1024 < len(text.encode()) < 2_000_000
    assert client.post("/upload", data={"text": text}, headers=HX).status_code == 202


def test_a_duplicate_links_to_the_stored_article(client, session):
    client.post("/upload", data={"text": BODY}, follow_redirects=False)
    article_id = run_jobs(session)[0].result["article_id"]
    before = row_counts(session)
    again = client.post("/upload", data={"text": BODY.replace(". ", ".  ")}, headers=HX)
    assert again.status_code == 422
    assert f"already stored as article {article_id}" in field_error(again, "text")
    assert soup(again).select_one("#text-error a")["href"] == f"/articles/{article_id}"
    assert row_counts(session) == before
    kept = soup(again).select_one("textarea#text").get_text()
    assert kept.strip().startswith("The harbour authority")
