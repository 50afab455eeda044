"""Property-based fuzzing of the JSON API (hypothesis, 100 cases): never a 5xx, every 4xx says why,
and a refused request changes no rows."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import row_counts
from tests.factories import web_client
from tests.web.test_upload import BODY

FIELDS = ["text", "text_format", "title", "outlet", "url", "published", "byline"]
junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=300),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
article_body = st.one_of(
    st.fixed_dictionaries({}, optional={f: junk for f in FIELDS}),
    st.fixed_dictionaries({"text": st.sampled_from([BODY, BODY[:150], "", " ", "\x00" * 300])},
                          optional={"text_format": st.sampled_from(["text", "html", "markdown", "pdf"]),
                                    "published": st.text(max_size=12),
                                    "url": st.sampled_from(["http://127.0.0.1/x", "file:///etc/passwd",
                                                            "http://[::1]:22/", "javascript:alert(1)", "ftp://x"]),
                                    "title": st.text(max_size=600)}),
    junk,
)
ids = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=12))
segment = ids.map(lambda i: quote(str(i), safe=""))
request = st.one_of(
    st.tuples(st.just("POST"), st.just("/api/articles"), article_body),
    st.tuples(st.just("POST"), st.just("/api/snapshots"),
              st.one_of(junk, st.fixed_dictionaries({"kind": st.sampled_from(["event", "story", "x"]), "id": ids},
                                                    optional={"fingerprint": st.text(max_size=20)}))),
    st.tuples(st.just("GET"), segment.map(lambda i: f"/api/articles/{i}"), st.none()),
    st.tuples(st.just("GET"), segment.map(lambda i: f"/api/jobs/{i}"), st.none()),
    st.tuples(st.just("GET"), segment.map(lambda i: f"/api/stories/{i}"), st.none()),
    st.tuples(st.just("GET"), segment.map(lambda i: f"/api/stories?page={i}"), st.none()),
    st.tuples(st.just("DELETE"), st.integers(min_value=10**9, max_value=2**70).map(lambda i: f"/api/articles/{i}"),
              st.none()),
)


def counts(session) -> dict[str, int]:
    return row_counts(session) | {"jobs": session.scalar(text("SELECT count(*) FROM jobs")),
                                  "snapshots": session.scalar(text("SELECT count(*) FROM snapshots"))}


@pytest.fixture
def client(session, settings, monkeypatch):
    monkeypatch.setattr(settings, "rate_limit_per_minute", 0)
    with web_client(session) as c:
        yield c


@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=request)
def test_the_api_never_fails_with_a_5xx_and_explains_every_refusal(client, session, call):
    method, path, body = call
    before = counts(session)
    response = client.request(method, path, json=body) if body is not None or method == "POST" else \
        client.request(method, path)
    session.rollback()  # what closing the request's own session does in production
    assert response.status_code < 500, (method, path, body, response.text[:500])
    if 400 <= response.status_code < 500:
        detail = response.json()["detail"]
        assert detail and (isinstance(detail, str) or all(d.get("msg") for d in detail)), response.text
        assert counts(session) == before, (method, path, body)
