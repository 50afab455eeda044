"""The `parallax` command as a user runs it, on a fresh embedded database."""
import json

import pytest

from tests.conftest import SEEDS
from tests.helpers import cli_env, run_cli

pytestmark = pytest.mark.slow

BODY = ("Rescue teams searched the rubble through the night after the magnitude 6.1 earthquake struck the "
        "mountain town, officials said on Sunday. ") * 3


def test_ingest_reports_each_input_then_export_prints_json(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "quake.txt").write_text(BODY, encoding="utf-8")
    (inputs / "copy.md").write_text("---\ntitle: Same quake\n---\n" + BODY, encoding="utf-8")
    (inputs / "latin1.txt").write_bytes("Caf\xe9 ".encode("latin-1") * 100)
    (inputs / "batch.jsonl").write_text('{"title": "x", "text": "short"}\n{oops\n', encoding="utf-8")
    env = cli_env(tmp_path / "data")

    result = run_cli("ingest", str(inputs), str(SEEDS / "000_72bbb30bda99f587.txt"), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "2 ingested, 1 duplicates, 3 rejected"
    assert f"{inputs}/batch.jsonl:1: rejected: text is only 5 characters after cleaning; at least 200 needed" in lines
    assert f"{inputs}/batch.jsonl:2: rejected: malformed JSON (Expecting property name enclosed in double quotes at column 2)" in lines
    assert any(line.startswith(f"{inputs}/latin1.txt: rejected: is not UTF-8 text (byte 0xe9") for line in lines)
    assert any(line.startswith(f"{inputs}/quake.txt: duplicate of article") for line in lines)

    export = run_cli("export", env=env)
    assert export.returncode == 0, export.stderr
    data = json.loads(export.stdout)
    titles = {a["title"] for a in data["articles"]}
    assert titles == {"Same quake", None}
    for article in data["articles"]:
        assert article["passages"] and all(p["text"] for p in article["passages"])


def test_ingest_of_nothing_but_bad_input_fails(tmp_path):
    env = cli_env(tmp_path / "data")
    result = run_cli("ingest", str(tmp_path / "nope.txt"), env=env)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"{tmp_path}/nope.txt: rejected: no such file or folder"


def test_recluster_and_export_of_an_empty_database_say_so(tmp_path):
    env = cli_env(tmp_path / "data")
    result = run_cli("recluster", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "Error: nothing to recluster: the database holds no articles"
    assert "Traceback" not in result.stderr
    export = run_cli("export", env=env)
    assert export.returncode == 0
    assert json.loads(export.stdout) == {"articles": [], "stories": [], "events": []}
    assert "the database holds no articles" in export.stderr
