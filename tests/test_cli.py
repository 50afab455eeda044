"""The `parallax` command as a user runs it, on a fresh embedded database."""
import json
from collections import Counter

import pytest

from app.pipeline import EVENTS_FRAMED
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


def test_sources_are_imported_from_opml_listed_exported_and_polled(tmp_path):
    from app.sources.feeds import read_opml
    from tests.sources.site import serving

    with serving() as site:
        opml = tmp_path / "feeds.opml"
        opml.write_text(f'<opml version="2.0"><body><outline text="News"><outline text="Harbour Gazette" '
                        f'xmlUrl="{site}/feed.xml"/><outline text="Broken" xmlUrl="ftp://nowhere/feed"/>'
                        f'</outline></body></opml>', encoding="utf-8")
        env = cli_env(tmp_path / "data", PARALLAX_FETCH_ALLOW_PRIVATE="true", PARALLAX_SOURCE_HOST_DELAY_S="0.01")
        imported = run_cli("sources", "import", str(opml), env=env)
        assert imported.returncode == 0, imported.stderr
        assert "1 of 2 feeds added" in imported.stdout and "ftp://nowhere/feed: URL must start with http" in imported.stdout
        assert "never" in run_cli("sources", "list", env=env).stdout
        polled = run_cli("sources", "poll", "--once", env=env)
        assert polled.returncode == 0, polled.stderr
        assert "4 items, 4 new: 2 articles added, 0 duplicates, 2 refused" in polled.stdout
        listed = run_cli("sources", "list", env=env).stdout
        assert "Harbour Gazette" in listed and "(200)" in listed and "2 articles" in listed
        again = run_cli("sources", "poll", "--once", env=env)
        assert "no source is due" in again.stdout  # its next poll is an interval away
        exported = run_cli("sources", "export", env=env)
        assert read_opml(exported.stdout.encode()) == [(f"{site}/feed.xml", "Harbour Gazette")]
        titles = {a["title"] for a in json.loads(run_cli("export", env=env).stdout)["articles"]}
        assert titles == {"Northern pier closed after inspection", "Ferries move south"}


def test_export_framing_prints_every_storys_framing_rows_as_json_or_csv(tmp_path):
    import csv
    import io

    env = cli_env(tmp_path / "data")
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    corpus = json.loads(run_cli("export", env=env).stdout)
    texts = {p["id"]: p["text"] for a in corpus["articles"] for p in a["passages"]}
    story_id = corpus["stories"][0]["id"]

    as_json = run_cli("export", "--framing", env=env)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert {r["story_id"] for r in rows} == {s["id"] for s in corpus["stories"]}
    assert {r["event_id"] for r in rows} >= {None, *(e["id"] for e in corpus["events"])}
    spanned = [r for r in rows if r["passage_id"] is not None]
    assert spanned and all(texts[r["passage_id"]][r["start"]:r["end"]] == r["text"] for r in spanned)
    assert any(r["signal"] == "attribution" and r["label"] == "claimed" for r in rows)

    as_csv = run_cli("export", "--framing", "--format", "csv", "--story", str(story_id), env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    read = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    mine = [r for r in rows if r["story_id"] == story_id]
    assert len(read) == len(mine) and read[0]["signal"] == mine[0]["signal"]
    assert [r["text"] for r in read] == [r["text"] for r in mine]

    assert run_cli("export", "--story", str(story_id), env=env).returncode == 2  # --story goes with --framing
    missing = run_cli("export", "--framing", "--story", "999999", env=env)
    assert missing.returncode == 1 and "there is no story 999999" in missing.stderr


def test_frame_queues_every_storys_framing_once_and_a_worker_keeps_it(tmp_path):
    env = cli_env(tmp_path / "data")
    ingested = run_cli("ingest", str(SEEDS), env=env)
    assert ingested.returncode == 0 and "framing of the stories they joined is queued" in ingested.stderr
    corpus = json.loads(run_cli("export", env=env).stdout)
    stories = len(corpus["stories"])
    per_story = Counter(e["story_id"] for e in corpus["events"] if e["passages"])
    events = sum(min(n, EVENTS_FRAMED) for n in per_story.values())
    queued = run_cli("frame", env=env)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.strip().startswith(f"{stories} stories queued for framing")
    ran = run_cli("worker", "--once", env=env)
    # the import's jobs, not queued twice, and a job for each of their largest events that they queued
    assert events and ran.stdout.strip() == f"{stories + events} job(s) run"
    missing = run_cli("frame", "--story", "999999", env=env)
    assert missing.returncode == 1 and "no such story: 999999" in missing.stderr
