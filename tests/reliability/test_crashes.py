"""Processes killed with SIGKILL: a worker in the middle of a job (nothing partial is stored, the job
completes after a restart) and the server that owns the embedded Postgres (the next start recovers)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.helpers import ROOT, cli_env, server_process
from tests.waiting import PATIENCE, cpu_steps, wait_until

pytestmark = pytest.mark.slow


def long_article() -> str:
    """Enough passages that embedding takes a while: time to kill the worker in the middle."""
    return "\n\n".join(
        f"Paragraph {n} of the inquiry: the harbour board heard that inspection {n} of pier section {n % 40} "
        f"found {n % 7 + 1} cracked pylons, and that engineers had warned the board about section {n % 40} "
        f"in letters dated {n % 28 + 1} March, which the chair said she had never seen." for n in range(200))


def start_worker(database_url: str, tmp_path, name: str, **extra: str) -> subprocess.Popen:
    env = cli_env(tmp_path / "data", DATABASE_URL=database_url, PARALLAX_JOB_STALE_AFTER_S="3",
                  PARALLAX_JOB_HEARTBEAT_S="0.5", PARALLAX_JOB_POLL_S="0.2", **extra)
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen([sys.executable, "-m", "app", "worker"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def test_a_worker_killed_mid_job_stores_nothing_and_the_job_completes_after_a_restart(fresh_database, tmp_path):
    from app.db.migrate import upgrade
    from app.ingest.extract import from_text
    from app.jobs import queue, tasks

    engine = create_engine(fresh_database)
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine) as session:
        draft = from_text(long_article(), source_name="upload", title="The pier inquiry")
        job_id = queue.enqueue(session=session, kind=tasks.INGEST, payload=tasks.draft_payload(draft, field="text")).id

    def job():
        with engine.connect() as conn:
            return conn.execute(text("SELECT status, stage, attempts FROM jobs WHERE id = :id"), {"id": job_id}).one()

    def articles():
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM articles")), conn.scalar(text("SELECT count(*) FROM passages"))

    first = start_worker(fresh_database, tmp_path, "worker-1")
    try:
        wait_until(lambda: job().stage in ("embedding", "clustering"), what="the job to start", interval=0.1,
                   progress=lambda: (tuple(job()), cpu_steps(first.pid)))
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first.kill()
    assert job().status == "running" and articles() == (0, 0)  # nothing partial

    second = start_worker(fresh_database, tmp_path, "worker-2")
    try:
        wait_until(lambda: job().status in ("done", "failed"), what="the job to be taken up again", interval=0.1,
                   progress=lambda: (tuple(job()), cpu_steps(second.pid)))
        status, _stage, attempts = job()
        assert status == "done" and attempts == 2
        stored, passages = articles()
        assert stored == 1 and passages >= 150
    finally:
        second.send_signal(signal.SIGTERM)
        wait_until(lambda: second.poll() is not None, what="the worker to stop on SIGTERM",
                   progress=lambda: cpu_steps(second.pid))
        engine.dispose()
    assert second.returncode == 0  # SIGTERM: a clean stop


def test_killing_the_server_that_owns_the_embedded_postgres_then_restarting_recovers(tmp_path):
    data = tmp_path / "data"
    env = cli_env(data)
    handle = data / "pg" / ".handle_pids.json"
    with server_process(env) as (base, proc):
        killed = proc.pid
        assert killed in json.loads(handle.read_text())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # Postgres outlives its owner, and the dead pid stays behind.
    assert (data / "pg" / "postmaster.pid").exists() and killed in json.loads(handle.read_text())

    with server_process(env) as (base, proc):
        ready = httpx.get(base + "/readyz", timeout=PATIENCE)
        assert ready.status_code == 200, ready.text
        pids = json.loads(handle.read_text())
        assert killed not in pids and proc.pid in pids
        assert httpx.get(base + "/api/articles", timeout=PATIENCE).json()["total"] == 0
    assert proc.returncode == 0
    # The second server was the last user: it stopped Postgres on the way out.
    wait_until(lambda: not (data / "pg" / "postmaster.pid").exists(), what="Postgres to stop")
    assert not os.path.exists(data / "pg" / "postmaster.pid")


def test_a_worker_killed_mid_poll_leaves_nothing_partial_and_the_next_poll_completes(fresh_database, tmp_path):
    import threading

    from app.config import Settings
    from app.db.migrate import upgrade
    from app.sources.polling import add_source
    from tests.sources.site import Site, page, rss, serving

    engine = create_engine(fresh_database)
    with engine.begin() as conn:
        upgrade(conn)

    def state():
        with engine.connect() as conn:
            return (conn.scalar(text("SELECT count(*) FROM articles")),
                    conn.scalar(text("SELECT count(*) FROM source_items")),
                    conn.scalar(text("SELECT articles_added FROM sources")))

    with serving() as site:
        html = {"Content-Type": "text/html"}
        Site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([
            (f"{site}/news/pier", "Pier closed", "Tue, 03 Nov 2026 08:00:00 GMT"),
            (f"{site}/news/slow", "The inquiry", "Tue, 03 Nov 2026 09:00:00 GMT")]))
        Site.routes["/news/slow"] = (200, html, page("The pier inquiry opens", 7))
        Site.held["/news/slow"] = threading.Event()
        with Session(engine) as session:
            add_source(session, site + "/feed.xml", settings=Settings(fetch_allow_private=True))
        extra = {"PARALLAX_FETCH_ALLOW_PRIVATE": "true", "PARALLAX_SOURCE_HOST_DELAY_S": "0.01",
                 "PARALLAX_SOURCE_LEASE_S": "2"}
        first = start_worker(fresh_database, tmp_path, "poller-1", **extra)
        try:
            wait_until(lambda: any(p == "/news/slow" for p, _, _ in Site.requests), what="the poll to reach the slow page",
                       interval=0.1, progress=lambda: (len(Site.requests), cpu_steps(first.pid)))
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            first.kill()
        assert state() == (0, 0, 0)  # the first page was fetched, nothing stored
        Site.held["/news/slow"].set()
        second = start_worker(fresh_database, tmp_path, "poller-2", **extra)
        try:
            wait_until(lambda: state()[2] == 2, what="the next poll to store both items", interval=0.2,
                       progress=lambda: (state(), len(Site.requests), cpu_steps(second.pid)))
        finally:
            second.send_signal(signal.SIGTERM)
            wait_until(lambda: second.poll() is not None, what="the worker to stop", progress=lambda: cpu_steps(second.pid))
            engine.dispose()
    assert state() == (2, 2, 2)
