"""The job queue is the `jobs` table: enqueue, claim (FOR UPDATE SKIP LOCKED), heartbeat, finish."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.jobs.models import ACTIVE, BACKGROUND, Job

ACTIVE_KEY_WHERE = text("status IN ('queued', 'running')")
# Set when this process queues a job, so its own workers (`parallax serve`'s inline one) claim it at
# once instead of at their next poll; workers in other processes find it when they poll.
QUEUED_HERE = threading.Event()


def enqueue(*, session: Session, kind: str, payload: dict, key: str | None = None, max_attempts: int = 5) -> Job:
    """Queue a job and commit. With `key`, an unfinished job with the same key is returned instead
    of a second one (the unique partial index settles races between servers)."""
    for _ in range(5):
        stmt = insert(Job).values(kind=kind, key=key, payload=payload, max_attempts=max_attempts)
        if key is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=["key"], index_where=ACTIVE_KEY_WHERE)
        job_id = session.scalar(stmt.returning(Job.id))
        if job_id is None:  # someone queued it first; it may have finished since, then try again
            job_id = session.scalar(select(Job.id).where(Job.key == key, Job.status.in_(ACTIVE)))
        if job_id is not None:
            session.commit()
            QUEUED_HERE.set()
            return session.get(Job, job_id)
        session.rollback()
    raise RuntimeError(f"could not queue a {kind} job with key {key!r}")


def get_job(*, session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id, populate_existing=True)


def claim(*, session: Session, worker_id: str, stale_after_s: float) -> Job | None:
    """Take the next due job, or a running one whose worker stopped sending heartbeats, and commit;
    background kinds (BACKGROUND) only when no other job is due. A job whose workers keep dying
    fails once it has used up its attempts."""
    stale = func.now() - timedelta(seconds=stale_after_s)
    stmt = (
        select(Job)
        .where(or_(and_(Job.status == "queued", Job.run_after <= func.now()),
                   and_(Job.status == "running", Job.heartbeat_at < stale)))
        .order_by(Job.kind.in_(BACKGROUND), Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    while True:
        job = session.scalars(stmt).first()
        if job is None:
            session.rollback()
            return None
        orphaned = job.status == "running"
        if orphaned and job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.locked_by = "failed", func.now(), None
            job.error = f"its worker stopped during each of {job.attempts} attempts"
            session.commit()
            continue
        job.status, job.stage, job.attempts = "running", None, job.attempts + 1
        job.locked_by, job.locked_at, job.heartbeat_at = worker_id, func.now(), func.now()
        session.commit()
        session.refresh(job)
        return job


def _owned(job_id: int, worker_id: str):
    return update(Job).where(Job.id == job_id, Job.locked_by == worker_id, Job.status == "running")


def heartbeat(*, session: Session, job_id: int, worker_id: str) -> bool:
    """False when the job is no longer this worker's (it was taken up as orphaned)."""
    done = session.execute(_owned(job_id, worker_id).values(heartbeat_at=func.now())).rowcount
    session.commit()
    return bool(done)


def set_stage(*, session: Session, job_id: int, worker_id: str, stage: str) -> None:
    session.execute(_owned(job_id, worker_id).values(stage=stage, heartbeat_at=func.now()))
    session.commit()


def complete(*, session: Session, job_id: int, worker_id: str, result: dict) -> None:
    session.execute(_owned(job_id, worker_id).values(
        status="done", stage=None, result=result, error=None, finished_at=func.now(), locked_by=None))
    session.commit()


def fail(*, session: Session, job_id: int, worker_id: str, error: str, retry: bool, backoff_s: float,
         result: dict | None = None) -> str:
    """Retry later (exponential backoff) while attempts remain, else fail for good. Returns the new status."""
    job = session.get(Job, job_id, populate_existing=True)
    if job.locked_by != worker_id or job.status != "running":
        session.rollback()
        return job.status
    if retry and job.attempts < job.max_attempts:
        delay = timedelta(seconds=backoff_s * 2 ** (job.attempts - 1))
        job.status, job.run_after = "queued", func.now() + delay
    else:
        job.status, job.finished_at = "failed", func.now()
    job.error, job.result, job.stage, job.locked_by = error, result, None, None
    session.commit()
    return job.status


def count_by_status(*, session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status))
    return {status: n for status, n in rows}
