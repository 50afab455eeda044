"""The jobs table as a queue: one unfinished job per key, SKIP LOCKED claims, retries with backoff,
orphaned jobs taken up again, permanent failures kept with their field."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.jobs import queue, tasks
from app.jobs.models import FRAME, Job
from app.jobs.worker import run_due_jobs
from tests.web.test_upload import BODY


def test_a_key_has_at_most_one_unfinished_job(session):
    first = queue.enqueue(session=session, kind="recluster", key="k1", payload={})
    again = queue.enqueue(session=session, kind="recluster", key="k1", payload={})
    assert again.id == first.id
    claimed = queue.claim(session=session, worker_id="w", stale_after_s=60)
    queue.complete(session=session, job_id=claimed.id, worker_id="w", result={})
    later = queue.enqueue(session=session, kind="recluster", key="k1", payload={})
    assert later.id != first.id


def test_background_framing_waits_while_any_other_job_is_due(session):
    framing = queue.enqueue(session=session, kind=FRAME, payload={"story_id": 1})
    upload = queue.enqueue(session=session, kind="ingest_article", payload={})
    assert queue.claim(session=session, worker_id="w", stale_after_s=60).id == upload.id
    assert queue.claim(session=session, worker_id="w", stale_after_s=60).id == framing.id


def test_claims_skip_rows_another_worker_holds(engine):
    with Session(engine) as a, Session(engine) as b:
        ids = [queue.enqueue(session=a, kind="test-skip", payload={"n": n}).id for n in range(2)]
        try:
            stmt = text("SELECT id FROM jobs WHERE id = :id FOR UPDATE")
            a.execute(stmt, {"id": ids[0]})  # worker A is in the middle of claiming the first
            taken = queue.claim(session=b, worker_id="B", stale_after_s=60)
            assert taken is not None and taken.id == ids[1]
            a.rollback()
        finally:
            a.rollback()
            b.execute(text("DELETE FROM jobs WHERE id = ANY(:ids)"), {"ids": ids})
            b.commit()


def test_transient_failures_are_retried_with_backoff_then_fail(session, embedder, settings, monkeypatch):
    calls = []

    def flaky(ctx, payload):
        calls.append(1)
        raise tasks.TryAgain("the model is busy")

    monkeypatch.setitem(tasks.HANDLERS, "flaky", flaky)
    job = queue.enqueue(session=session, kind="flaky", payload={}, max_attempts=3)
    run_due_jobs(session=session, embedder=embedder, settings=settings)
    job = queue.get_job(session=session, job_id=job.id)
    assert (job.status, job.attempts, job.error, job.progress) == ("queued", 1, "the model is busy", "retrying")
    delay = session.scalar(text("SELECT extract(epoch FROM run_after - now()) FROM jobs WHERE id = :id"),
                           {"id": job.id})
    assert settings.job_backoff_s * 0.5 < delay <= settings.job_backoff_s + 1
    for attempt in (2, 3):
        session.execute(text("UPDATE jobs SET run_after = now() WHERE id = :id"), {"id": job.id})
        run_due_jobs(session=session, embedder=embedder, settings=settings)
        job = queue.get_job(session=session, job_id=job.id)
        assert job.attempts == attempt
    assert job.status == "failed" and job.finished_at is not None and len(calls) == 3


def test_a_job_whose_worker_stopped_is_taken_up_again(session):
    job = queue.enqueue(session=session, kind="recluster", payload={})
    assert queue.claim(session=session, worker_id="dead", stale_after_s=60).id == job.id
    assert queue.claim(session=session, worker_id="other", stale_after_s=60) is None  # heartbeat is fresh
    session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '2 minutes' WHERE id = :id"), {"id": job.id})
    taken = queue.claim(session=session, worker_id="other", stale_after_s=60)
    assert taken.id == job.id and taken.attempts == 2 and taken.locked_by == "other"
    assert not queue.heartbeat(session=session, job_id=job.id, worker_id="dead")  # the old worker lost it
    queue.complete(session=session, job_id=job.id, worker_id="dead", result={"late": True})
    assert queue.get_job(session=session, job_id=job.id).status == "running"


def test_a_job_that_keeps_killing_its_workers_fails(session):
    job = queue.enqueue(session=session, kind="recluster", payload={}, max_attempts=1)
    queue.claim(session=session, worker_id="dead", stale_after_s=60)
    session.execute(text("UPDATE jobs SET heartbeat_at = now() - interval '2 minutes' WHERE id = :id"), {"id": job.id})
    assert queue.claim(session=session, worker_id="other", stale_after_s=60) is None
    job = queue.get_job(session=session, job_id=job.id)
    assert job.status == "failed" and "worker stopped" in job.error


def test_a_rejected_article_fails_for_good_naming_its_field(session, embedder, settings):
    from app.ingest.drafts import ArticleDraft

    draft = ArticleDraft(source_name="upload", source_format="text", raw="tiny", text="tiny")
    job = queue.enqueue(session=session, kind=tasks.INGEST, payload=tasks.draft_payload(draft, field="file"))
    (done,) = run_due_jobs(session=session, embedder=embedder, settings=settings)
    assert done.id == job.id and done.status == "failed" and done.attempts == 1
    assert "at least" in done.error and done.result == {"field": "file"}


def test_an_ingest_job_run_twice_stores_the_article_once(session, embedder, settings):
    from app.ingest.extract import from_text

    payload = tasks.draft_payload(from_text(BODY, source_name="upload"), field="text")
    first = queue.enqueue(session=session, kind=tasks.INGEST, payload=payload).id
    run_due_jobs(session=session, embedder=embedder, settings=settings)
    second = queue.enqueue(session=session, kind=tasks.INGEST, payload=payload).id  # as if a worker died after storing
    run_due_jobs(session=session, embedder=embedder, settings=settings)
    a, b = (queue.get_job(session=session, job_id=j) for j in (first, second))
    assert a.result["article_id"] == b.result["article_id"] and b.result["duplicate"] is True
    assert session.scalar(text("SELECT count(*) FROM articles WHERE id = :id"), {"id": a.result["article_id"]}) == 1


@pytest.mark.parametrize("kind", ["recluster"])
def test_recluster_on_an_empty_database_fails_with_the_reason(kind, session, embedder, settings):
    if session.scalar(text("SELECT count(*) FROM articles")):
        pytest.skip("the database holds articles")
    queue.enqueue(session=session, kind=kind, payload={})
    (job,) = run_due_jobs(session=session, embedder=embedder, settings=settings)
    assert job.status == "failed" and "nothing to recluster" in job.error


def test_job_rows_are_what_the_model_says(session):
    job = queue.enqueue(session=session, kind="recluster", payload={"a": 1})
    assert isinstance(job, Job) and job.status == "queued" and job.attempts == 0 and job.payload == {"a": 1}



def test_an_upload_keeps_the_framing_of_its_story_before_it_shows(session, embedder, settings, monkeypatch):
    from app.browse import framing as page_framing
    from app.browse.comparisons import get_story_overview
    from app.ingest.extract import from_text

    payload = tasks.draft_payload(from_text(BODY, source_name="upload"), field="text")
    queue.enqueue(session=session, kind=tasks.INGEST, payload=payload)
    (job,) = run_due_jobs(session=session, embedder=embedder, settings=settings)
    story_id = session.scalar(text("SELECT story_id FROM articles WHERE id = :id"), {"id": job.result["article_id"]})
    page_framing._cache.clear()  # a server process that never saw this story

    def never(*args, **kwargs):
        raise AssertionError("the page analysed the story again")

    monkeypatch.setattr(page_framing, "analyse_story", never)
    assert get_story_overview(session=session, story_id=story_id, framing=True).framing["articles"] == 1
