"""The embedded Postgres: sized for the corpus from the settings, and safe to start from several
processes at the same moment (a test run's workers beside `parallax serve`)."""
import os

import psycopg
import pytest

from app.db.embedded import _SERVERS, embedded_url, handle_pids, shared_buffers_mb


def test_a_fresh_embedded_database_starts_with_the_shared_buffers_asked_for(tmp_path):
    folder = tmp_path / "pg"
    url = embedded_url(folder, 160).replace("postgresql+psycopg", "postgresql")
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SHOW shared_buffers").fetchone()[0] == "160MB"
    finally:
        _SERVERS.pop(str(folder)).cleanup()


def test_by_default_a_quarter_of_memory_between_128_mb_and_2_gb():
    assert 128 <= shared_buffers_mb() <= 8192
    assert shared_buffers_mb(512) == 512


def _at_the_same_moment(script: str, args: list[list[str]], start_in: float = 3.0) -> list[str]:
    """Run `script` in one process per argument list, each waiting for one shared start time
    after its imports, so the interesting part starts at the same moment. Returns outputs."""
    import subprocess
    import sys
    import time

    from tests.helpers import ROOT

    at = str(time.time() + start_in)
    procs = [subprocess.Popen([sys.executable, "-c", script, at, *a], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for a in args]
    return [p.communicate()[0] for p in procs]


STARTER = """
import sys, time
from pathlib import Path
import psycopg
from app.db.embedded import embedded_url
at, folder = float(sys.argv[1]), Path(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
url = embedded_url(folder, 128).replace("postgresql+psycopg", "postgresql")
with psycopg.connect(url) as conn:
    print("answered", conn.execute("SELECT 1").fetchone()[0])
"""


def test_embedded_servers_started_at_the_same_moment_all_come_up_and_stop(tmp_path):
    # Three new servers and a second process attaching to one of them, all at once.
    folders = [tmp_path / f"pg{n}" for n in range(3)] + [tmp_path / "pg0"]
    outputs = _at_the_same_moment(STARTER, [[str(f)] for f in folders])
    assert all(out.strip().endswith("answered 1") for out in outputs), outputs
    for folder in set(folders):
        assert handle_pids(folder) == [], "a process left its pid in pgserver's list"
        assert not (folder / "postmaster.pid").exists(), "the last process out did not stop the server"


USER_MAKER = """
import sys, time
from app.db.embedded import ensure_system_user
at, name = float(sys.argv[1]), sys.argv[2]
time.sleep(max(0.0, at - time.time()))
print("uid", ensure_system_user(name))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="only root creates the user Postgres runs as")
def test_processes_creating_the_postgres_user_at_once_agree_on_one_uid():
    import pwd
    import subprocess
    import uuid

    name = f"pxt{uuid.uuid4().hex[:8]}"
    try:
        outputs = _at_the_same_moment(USER_MAKER, [[name]] * 6)
        uids = {out.strip().rsplit("uid ", 1)[-1] for out in outputs}
        assert uids == {str(pwd.getpwnam(name).pw_uid)}, outputs
    finally:
        subprocess.run(["userdel", name], capture_output=True)
