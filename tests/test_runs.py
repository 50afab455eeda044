"""Test runs on one machine keep to their own temporary folders."""
import os
import subprocess
import sys
import time

import psutil

from tests.runs import OWNER, new_run_folder, prune_finished_runs


def finished_run(runs, name, age_s):
    folder = runs / name
    (folder / "tmp" / "pg").mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (folder / OWNER).write_text(f"{gone.stdout.strip()} {time.time() - 100}")
    os.utime(folder, (time.time() - age_s, time.time() - age_s))
    return folder


def test_a_run_in_progress_keeps_its_folder_however_old_and_many_finished_runs_there_are(tmp_path):
    mine = new_run_folder(tmp_path).parent
    os.utime(mine, (0, 0))  # older than every finished run
    finished = [finished_run(tmp_path, f"run-{n}", age_s=n * 60) for n in range(6)]
    removed = prune_finished_runs(tmp_path, keep=3)
    assert mine.exists() and mine not in removed
    assert sorted(removed) == sorted(finished[3:])  # the three oldest finished runs
    assert all(f.exists() for f in finished[:3])


def test_a_reused_pid_does_not_make_a_finished_run_look_alive(tmp_path):
    folder = tmp_path / "run-old"
    folder.mkdir()
    me = psutil.Process()
    (folder / OWNER).write_text(f"{me.pid} {me.create_time() - 3600}")  # this pid, an earlier process
    assert prune_finished_runs(tmp_path, keep=0) == [folder]


def test_the_suite_itself_runs_in_a_folder_of_its_own(tmp_path):
    run = tmp_path.parents[len(tmp_path.parents) - 1]
    for parent in tmp_path.parents:
        if (parent / OWNER).exists():
            run = parent
            break
    assert (run / OWNER).exists(), f"{tmp_path} is not inside a run folder"
    assert run.parent.name == "test-runs"
