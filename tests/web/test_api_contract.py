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
