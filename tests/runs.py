"""Each test run keeps its temporary folders (embedded databases included) in a folder of its own
under var/test-runs/, never under pytest's shared /tmp/pytest-of-<user>.

Two reasons. pytest sets /tmp/pytest-of-<user> back to mode 0700 at the start of every run, while
the embedded Postgres runs as its own system user (when the tests run as root) and needs to
traverse every parent of its data folder: a second run starting on the machine could make a
server of the first one fail to start. And pytest prunes the numbered folders of that tree by
count. Here a run's folder is removed only once the process that made it has ended, and the
newest few finished runs are kept for reading their logs."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psutil

OWNER = "owner"  # "<pid> <process start time>" of the pytest process that made the folder
KEEP_FINISHED = 3


def _owner_alive(folder: Path) -> bool:
    try:
        pid, started = (folder / OWNER).read_text().split()
        return abs(psutil.Process(int(pid)).create_time() - float(started)) < 1.0
    except (OSError, ValueError, psutil.Error):
        return False


def _stop_postgres_under(folder: Path) -> None:
    """A run killed with SIGKILL leaves its embedded servers running: stop them before their
    folder goes."""
    for pidfile in folder.rglob("postmaster.pid"):
        try:
            psutil.Process(int(pidfile.read_text().split()[0])).terminate()
        except (OSError, ValueError, IndexError, psutil.Error):
            pass


def prune_finished_runs(runs: Path, keep: int = KEEP_FINISHED) -> list[Path]:
    """Remove the folders of runs whose process has ended, but the newest `keep`; returns them."""
    finished = sorted((f for f in runs.glob("run-*") if f.is_dir() and not _owner_alive(f)),
                      key=lambda f: f.stat().st_mtime, reverse=True)
    removed = finished[keep:]
    for folder in removed:
        _stop_postgres_under(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def new_run_folder(runs: Path) -> Path:
    """A folder for this process's run, marked as its own; returns the basetemp inside it."""
    runs.mkdir(parents=True, exist_ok=True)
    prune_finished_runs(runs)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=runs))
    (folder / OWNER).write_text(f"{os.getpid()} {psutil.Process().create_time()}")
    return folder / "tmp"
