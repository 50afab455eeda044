"""`parallax worker`: claim a due job, run it with a heartbeat, record the result; loop.
Any number of workers on any number of machines share the one `jobs` table."""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db.base import new_session
from app.embed.model import Embedder
from app.jobs import queue
from app.jobs.models import Job
from app.jobs.tasks import HANDLERS, Context, JobFailed, TryAgain

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(self, *, embedder: Embedder, settings: Settings | None = None, name: str | None = None,
                 session_factory: Callable[[], Session] = new_session):
        self.embedder = embedder
        self.settings = settings or get_settings()
        self.name = name or worker_name()
        self.new_session = session_factory

    def run_forever(self, stop: threading.Event) -> None:
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                job = self.run_once()
            except Exception:  # the database going away must not end the loop
                log.exception("worker %s: claiming or recording a job failed", self.name)
                job = None
                stop.wait(max(self.settings.job_poll_s, 2.0))
            if job is None and not self.poll_a_source():
                # Until the next poll, or a job queued by this process; stop is seen within a poll.
                queue.QUEUED_HERE.wait(self.settings.job_poll_s)
                queue.QUEUED_HERE.clear()
        log.info("worker %s stopped", self.name)

    def run_once(self) -> Job | None:
        """Run one due job, if there is one; returns it (finished, or queued again for a retry)."""
        with self.new_session() as session:
            job = queue.claim(session=session, worker_id=self.name, stale_after_s=self.settings.job_stale_after_s)
        if job is None:
            return None
        log.info("job %s (%s) started, attempt %s", job.id, job.kind, job.attempts,
                 extra={"job_id": job.id, "job_kind": job.kind})
        beating = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job.id, beating), daemon=True)
        beat.start()
        try:
            with self.new_session() as session:
                outcome = execute(job, session=session, embedder=self.embedder, settings=self.settings,
                                  report=self._reporter(job.id))
        finally:
            beating.set()
            beat.join()
        with self.new_session() as session:
            record(session=session, job_id=job.id, worker_id=self.name, outcome=outcome, settings=self.settings)
        return job

    def poll_a_source(self) -> bool:
        """Poll one due source, if any (and PARALLAX_POLL_SOURCES): jobs first, sources when idle.
        Returns whether one was polled."""
        if not self.settings.poll_sources:
            return False
        from app.pipeline import poll_sources

        try:
            with self.new_session() as session:
                reports = poll_sources(session, embedder=self.embedder, settings=self.settings, limit=1)
        except Exception:
            log.exception("worker %s: polling sources failed", self.name)
            return False
        for report in reports:
            log.info("worker %s polled %s", self.name, report)
        return bool(reports)

    def _heartbeat(self, job_id: int, done: threading.Event) -> None:
        while not done.wait(self.settings.job_heartbeat_s):
            try:
                with self.new_session() as session:
                    if not queue.heartbeat(session=session, job_id=job_id, worker_id=self.name):
                        log.warning("job %s is no longer held by %s", job_id, self.name)
            except Exception:
                log.exception("heartbeat for job %s failed", job_id)

    def _reporter(self, job_id: int):
        def report(stage: str) -> None:
            try:
                with self.new_session() as session:
                    queue.set_stage(session=session, job_id=job_id, worker_id=self.name, stage=stage)
            except Exception:
                log.exception("could not record stage %s of job %s", stage, job_id)
        return report


def execute(job: Job, *, session: Session, embedder: Embedder, settings: Settings,
            report: Callable[[str], None]) -> tuple[str, dict | str, str | None]:
    """Run the job's handler: ("done", result, None), ("retry", message, None) or ("failed", message, field)."""
    handler = HANDLERS.get(job.kind)
    if handler is None:
        return "failed", f"unknown job kind {job.kind!r}", None
    try:
        return "done", handler(Context(session, embedder, settings, report), job.payload), None
    except JobFailed as exc:
        session.rollback()
        return "failed", str(exc), exc.field
    except TryAgain as exc:
        session.rollback()
        return "retry", str(exc), None
    except Exception as exc:
        session.rollback()
        log.exception("job %s (%s) raised", job.id, job.kind)
        return "retry", f"{type(exc).__name__}: {exc}", None


def record(*, session: Session, job_id: int, worker_id: str, outcome, settings: Settings) -> None:
    status, value, field = outcome
    if status == "done":
        queue.complete(session=session, job_id=job_id, worker_id=worker_id, result=value)
        log.info("job %s done", job_id, extra={"job_id": job_id})
        return
    new_status = queue.fail(session=session, job_id=job_id, worker_id=worker_id, error=value,
                            retry=status == "retry", backoff_s=settings.job_backoff_s,
                            result={"field": field} if field else None)
    log.warning("job %s %s: %s", job_id, "will be retried" if new_status == "queued" else "failed", value,
                extra={"job_id": job_id})


def run_due_jobs(*, session: Session, embedder: Embedder, settings: Settings | None = None,
                 worker_id: str = "inline") -> list[Job]:
    """Run every due job in one session, without heartbeats or stage reports (tests, `parallax jobs run`)."""
    settings = settings or get_settings()
    done = []
    while (job := queue.claim(session=session, worker_id=worker_id,
                              stale_after_s=settings.job_stale_after_s)) is not None:
        job_id = job.id
        outcome = execute(job, session=session, embedder=embedder, settings=settings, report=lambda stage: None)
        record(session=session, job_id=job_id, worker_id=worker_id, outcome=outcome, settings=settings)
        done.append(job_id)
        if len(done) > 1000:
            break
    return [queue.get_job(session=session, job_id=i) for i in done]


def start_in_thread(*, embedder: Embedder, settings: Settings | None = None) -> tuple[threading.Thread, threading.Event]:
    """The one worker thread `parallax serve` runs on the embedded database."""
    stop = threading.Event()
    worker = Worker(embedder=embedder, settings=settings)
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="parallax-worker", daemon=True)
    thread.start()
    return thread, stop
