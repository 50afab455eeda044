"""The API keeps the contract its schema states: schemathesis, with every check but response time
(tests/web/schemathesis.toml), generates requests from /openapi.json against a served seed
database (rate limits off, so writes and the stateful links between operations are exercised),
and reports any 5xx, undocumented status, response that breaks its schema, valid request
refused or invalid one accepted, wrong Allow header, and more."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import cli_env, running_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = "15"


@pytest.mark.slow
def test_schemathesis_finds_no_broken_contract(tmp_path):
    st = Path(sys.executable).with_name("st")
    with running_server(cli_env(tmp_path / "data", PARALLAX_RATE_LIMIT_PER_MINUTE="0"), "--seed") as base:
        run = subprocess.run(
            [str(st), "--config-file", str(CONFIG), "--no-color", "run", f"{base}/openapi.json",
             "--max-examples", EXAMPLES_PER_OPERATION, "--seed", "0"],
            capture_output=True, text=True, cwd=tmp_path)  # its cache of replays stays out of the checkout
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert generated and generated[1] == generated[2] and int(generated[1]) > 100, run.stdout[-4000:]
    assert "✅ Stateful" in run.stdout, run.stdout[-4000:]  # the links between operations were followed


@pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")  # raw bodies sent as data
def test_a_refused_write_leaves_every_row_as_it_was(client, session):
    """Requests that break the schema (schemathesis's negative mode) to every write operation, on a
    stored story: each one refused with a 4xx that says why, and no row added, changed in number or
    removed. In-process, inside the test's transaction, so a count sees exactly this request."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from sqlalchemy import text

    from tests.conftest import row_counts
    from tests.factories import make_story

    def counts() -> dict[str, int]:  # the corpus, and what a write could queue or freeze
        return row_counts(session) | {t: session.scalar(text(f"SELECT count(*) FROM {t}"))
                                      for t in ("snapshots", "jobs")}

    story = make_story(session, outlets=2, events=1)
    article_id = story.articles[0].id
    schema = schemathesis.openapi.from_dict(client.app.openapi())
    writes = [schema["/api/articles"]["POST"], schema["/api/snapshots"]["POST"],
              schema["/api/articles/{article_id}"]["DELETE"]]
    delete = writes[2]
    refusals = []

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def refused(data):
        operation = data.draw(st.sampled_from(writes))
        extra = {"path_parameters": {"article_id": article_id}} if operation is delete else {}
        case = data.draw(operation.as_strategy(GenerationMode.NEGATIVE, **extra))
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs.pop("cookies", None)
        before = counts()
        response = client.request(**kwargs)
        assert response.status_code < 500, (kwargs, response.text[:300])
        if response.status_code >= 400:
            detail = response.json()["detail"]
            assert detail and (isinstance(detail, str) or all(e.get("msg") for e in detail)), response.text[:300]
            assert counts() == before, (kwargs, response.status_code)
            refusals.append(response.status_code)

    refused()
    assert len(refusals) >= 30, refusals  # the run did exercise refusals
