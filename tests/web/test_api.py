"""The JSON API: the same data as the pages, field errors as 422, snapshots, OpenAPI docs."""
import pytest

from tests.conftest import row_counts
from tests.factories import make_article, make_story, run_jobs
from tests.web.html import soup
from tests.web.test_upload import BODY


def test_stories_events_articles_and_outlets_can_be_listed_and_read(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=2)
    stories = client.get("/api/stories").json()
    item = next(s for s in stories["items"] if s["story"]["id"] == story.id)
    assert item["articles"] == 2 and item["story"]["path"] == f"/stories/{story.id}-bridge-closes"
    overview = client.get(f"/api/stories/{story.id}").json()
    assert len(overview["columns"]) == 2 and len(overview["events"]) == 2
    event_id = overview["events"][0]["event"]["id"]
    comparison = client.get(f"/api/events/{event_id}").json()
    assert [len(c["passages"]) for c in comparison["columns"]] == [1, 1]
    assert client.get(f"/api/events?story_id={story.id}").json()["total"] == 2
    article_id = comparison["columns"][0]["articles"][0]["id"]
    detail = client.get(f"/api/articles/{article_id}").json()
    assert detail["story"]["id"] == story.id and len(detail["events"]) == 2
    outlet_id = comparison["columns"][0]["outlet"]["id"]
    assert client.get(f"/api/outlets/{outlet_id}").json()["total_articles"] == 1
    assert any(o["outlet"]["id"] == outlet_id for o in client.get("/api/outlets").json())
    assert client.get(f"/api/articles?outlet_id={outlet_id}").json()["total"] == 1
    assert client.get("/api/stories/999999").status_code == 404


def test_post_article_queues_a_job_that_stores_it_with_its_grouping(client, session):
    before = row_counts(session)
    response = client.post("/api/articles", json={"text": BODY, "title": "Pier closed", "outlet": "Harbour Herald"})
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["article"] is None
    assert response.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
    assert row_counts(session) == before  # nothing stored until the job runs
    run_jobs(session)
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["progress"] == "done" and done["attempts"] == 1
    body = done["article"]
    assert body["article"]["title"] == "Pier closed" and body["article"]["outlet"]["name"] == "Harbour Herald"
    assert "story" in body and "events" in body


def test_the_same_article_posted_twice_before_its_job_runs_is_one_job(client, session):
    first = client.post("/api/articles", json={"text": BODY}).json()
    second = client.post("/api/articles", json={"text": BODY.replace(". ", ".  ")}).json()
    assert first["id"] == second["id"]
    assert len(run_jobs(session)) == 1


@pytest.mark.parametrize(("payload", "field"), [
    ({"text": "short"}, "text"),
    ({"text": BODY, "published": "someday"}, "published"),
    ({"text": BODY, "url": "ftp://x"}, "url"),
    ({"title": "no text"}, "text"),
])
def test_post_article_field_errors_are_422_and_store_nothing(client, session, payload, field):
    before = row_counts(session)
    response = client.post("/api/articles", json=payload)
    assert response.status_code == 422
    assert any(e["loc"] == ["body", field] and e["msg"] for e in response.json()["detail"])
    assert row_counts(session) == before


def test_post_article_duplicate_is_a_422_naming_the_stored_article(client, session):
    client.post("/api/articles", json={"text": BODY})
    first = run_jobs(session)[0].result["article_id"]
    again = client.post("/api/articles", json={"text": BODY})
    assert again.status_code == 422
    error = again.json()["detail"][0]
    assert error["loc"] == ["body", "text"] and error["type"] == "duplicate" and str(first) in error["msg"]


def test_snapshots_via_the_api(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    event_id = story.events[0].id
    created = client.post("/api/snapshots", json={"kind": "event", "id": event_id})
    assert created.status_code == 201
    snap = created.json()
    assert snap["url"].endswith(f"/c/{snap['id']}") and snap["model"] and snap["live"]["same"] is True
    assert snap["payload"]["event"]["id"] == event_id
    fetched = client.get(f"/api/snapshots/{snap['id']}").json()
    assert fetched["payload"] == snap["payload"]
    assert client.post("/api/snapshots", json={"kind": "event", "id": 999999}).status_code == 404
    stale = client.post("/api/snapshots", json={"kind": "event", "id": event_id, "fingerprint": "0" * 16})
    assert stale.status_code == 409
    assert client.get("/api/snapshots/zzzzzzz").status_code == 404


def test_openapi_documents_the_api_and_not_the_pages(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/events/{event_id}", "/api/articles",
            "/api/snapshots", "/api/snapshots/{snapshot_id}", "/api/outlets"} <= set(paths)
    assert "/upload" not in paths and "/" not in paths and "/docs" not in paths


def test_every_refusal_an_operation_can_answer_is_in_the_schema_with_one_shape(client, session):
    schema = client.get("/openapi.json").json()
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/"):
            continue  # /healthz and /readyz answer 200 or 503 only
        for method, op in operations.items():
            codes = {int(c) for c in op["responses"]}
            assert 422 in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {413, 429} <= codes, (method, path)  # the body limit and the rate limit
            if "{" in path and method == "get":
                assert 404 in codes, (method, path)
            for code in codes - {200, 201, 202, 204, 308}:
                body = op["responses"][str(code)]["content"]["application/json"]["schema"]
                assert body == problem, (method, path, code)
    # What the server answers has that shape: a sentence, or one entry per field.
    missing = client.get("/api/articles/987654321")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    # Ids and pages are Postgres integers, and the schema says so: a larger one is invalid input.
    assert schema["paths"]["/api/stories/{story_id}"]["get"]["parameters"][0]["schema"]["maximum"] == 2**31 - 1
    assert client.get(f"/api/stories/{2**40}").status_code == 422
    assert client.get("/api/stories?date_to=0").status_code == 422  # a number is not a date
    assert client.get("/api/stories?date_to=2026-01-31").status_code == 200
    invalid = client.get("/api/stories?page=0")
    assert invalid.status_code == 422 and all({"loc", "msg", "type"} <= set(d) for d in invalid.json()["detail"])


def test_the_api_reference_page_loads_nothing_from_outside_the_site(client):
    docs = client.get("/docs")
    assert docs.status_code == 200
    sources = [tag.get("src") or tag.get("href") for tag in soup(docs).select("script[src], link[href]")]
    assert sources and all(s.startswith("/static/") for s in sources)
    assert all(client.get(s).status_code == 200 for s in sources)
    csp = docs.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "http" not in csp
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("OPTIONS", "/api/articles/1", "DELETE, GET"),
    ("PUT", "/api/articles", "GET, POST"),
    ("TRACE", "/healthz", "GET"),
])
def test_a_method_the_path_does_not_answer_lists_every_method_it_does(client, method, path, allowed):
    """RFC 9110: a 405 names in Allow every method of the resource, not only the first route's."""
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allowed


def test_a_url_with_a_stray_bracket_is_refused_with_a_reason_not_a_server_error(client):
    response = client.post("/api/articles", json={"url": "https://a[b.example/"})
    assert response.status_code == 422
    assert any(e["loc"] == ["body", "url"] and "name a host" in e["msg"] for e in response.json()["detail"])


def test_search_pages_past_twenty_by_words_and_by_meaning(client, session, embedder):
    make_article(session, paragraphs=[f"The city council debated the bus budget, item {n}." for n in range(23)]
                 + ["A storm flooded the coastal villages overnight."], embedder=embedder)
    session.commit()
    for mode, q in (("text", "council budget"), ("similar", "council spending on buses")):
        first = client.get("/api/search", params={"q": q, "mode": mode}).json()
        assert first["total"] == 23 and len(first["items"]) == 20 and first["page_size"] == 20, mode
        second = client.get("/api/search", params={"q": q, "mode": mode, "page": 2}).json()
        assert len(second["items"]) == 3
        ids = [h["passage"]["id"] for h in first["items"] + second["items"]]
        assert len(set(ids)) == 23  # the second page goes on where the first stopped
        assert client.get("/api/search", params={"q": q, "mode": mode, "page": 3}).json()["items"] == []
    similar = client.get("/api/search", params={"q": "council spending on buses", "mode": "similar"}).json()
    assert similar["floor"] > 0 and min(h["score"] for h in similar["items"]) >= similar["floor"]
    assert "storm" not in str(similar)  # below the floor
    words = client.get("/api/search", params={"q": "council budget"}).json()
    assert words["mode"] == "text" and words["floor"] is None
    assert any(matched and text.lower() == "council" for text, matched in words["items"][0]["segments"])


@pytest.mark.parametrize(("params", "problem"), [
    ({}, "Field required"),
    ({"q": ""}, "at least 1 character"),
    ({"q": "   "}, "should match pattern"),
    ({"q": "x" * 501}, "at most 500 characters"),
    ({"q": "bus", "mode": "fuzzy"}, "'text' or 'similar'"),
    ({"q": "bus", "page": 0}, "greater than or equal to 1"),
])
def test_a_search_the_api_cannot_run_is_refused_with_the_reason(client, params, problem):
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert problem in response.json()["detail"][0]["msg"]
