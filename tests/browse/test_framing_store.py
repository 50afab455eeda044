"""The framing work kept in the database: a story's framing is computed once for all processes,
kept by the import that changed the story, and after a change only the new passages are parsed again."""
from __future__ import annotations

from collections import Counter
from functools import partial

import pytest
from sqlalchemy import select, text

from app.browse import framing as page_framing
from app.browse.comparisons import get_event_comparison, get_story_overview
from app.db.models import Article, Framing
from app.framing import common, parses
from app.ingest.extract import from_text
from app.ingest.service import ingest_drafts
from app.jobs.models import FRAME, Job
from app.jobs.worker import run_due_jobs
from app.pipeline import frame_stories_of, frame_story, ingest_items
from tests.cluster.test_service import QUAKE_A, QUAKE_A_FOLLOW_UP, QUAKE_B
from tests.factories import make_article, make_story


@pytest.fixture(autouse=True)
def a_fresh_process():
    """Nothing of the framing in this process's memory, as in another server."""
    page_framing._cache.clear()
    common._DOCS.clear()
    yield
    page_framing._cache.clear()


def forget_this_process():
    page_framing._cache.clear()
    common._DOCS.clear()


@pytest.fixture
def parsed_texts(monkeypatch) -> list[str]:
    """Every text spaCy parses from here on."""
    texts: list[str] = []
    real = common.nlp()

    class Counting:
        def pipe(self, batch, **kwargs):
            batch = list(batch)
            texts.extend(batch)
            return real.pipe(batch, **kwargs)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(common, "nlp", lambda: Counting())
    return texts


def never(*args, **kwargs):
    raise AssertionError("analysed again")


def kept_stories(engine, story_ids) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Framing.subject_id).where(
            Framing.kind == "story", Framing.subject_id.in_(list(story_ids)))))


def import_in_chunks_of_two(session, settings, embedder, monkeypatch) -> set[int]:
    """Two quakes and a follow-up of the first, as a bulk import in two chunks (the follow-up's story
    touched by both); returns the stories of the articles stored."""
    monkeypatch.setattr("app.pipeline.ingest_drafts", partial(ingest_drafts, chunk_size=2))
    drafts = [from_text(body, source_name=f"{n}.txt") for n, body in enumerate([QUAKE_A, QUAKE_B, QUAKE_A_FOLLOW_UP])]
    ids = [r.article_id for r in ingest_items(session=session, items=drafts, embedder=embedder, settings=settings)]
    return set(session.scalars(select(Article.story_id).where(Article.id.in_(ids))))


def queued_framing(session) -> Counter:
    return Counter(session.scalars(select(Job.payload["story_id"].as_integer()).where(
        Job.kind == FRAME, Job.status == "queued")))


def test_a_bulk_import_queues_the_framing_of_each_story_it_touched_once_and_a_worker_keeps_it(
        session, engine, settings, embedder, monkeypatch):
    framed = Counter()
    monkeypatch.setattr("app.pipeline.frame_story",
                        lambda s, story_id: framed.update([story_id]) or frame_story(s, story_id))
    stories = import_in_chunks_of_two(session, settings, embedder, monkeypatch)
    assert len(stories) == 2 and framed == Counter()  # the import ends when its articles are stored
    assert queued_framing(session) == {story_id: 1 for story_id in stories}
    run_due_jobs(session=session, embedder=embedder, settings=settings)
    assert framed == {story_id: 1 for story_id in stories} and queued_framing(session) == Counter()
    assert kept_stories(engine, stories) == stories
    forget_this_process()
    monkeypatch.setattr(page_framing, "analyse_story", never)  # the first reader reads what the worker kept
    for story_id in stories:
        assert get_story_overview(session=session, story_id=story_id, framing=True).framing["articles"] >= 1


def test_with_frame_on_ingest_off_a_bulk_import_queues_no_framing(session, engine, settings, embedder, monkeypatch):
    stories = import_in_chunks_of_two(session, settings.model_copy(update={"frame_on_ingest": False}), embedder,
                                      monkeypatch)
    assert len(stories) == 2 and queued_framing(session) == Counter()


def test_a_framing_computed_in_one_process_is_read_by_another_without_analysing(session, monkeypatch):
    story = make_story(session)
    first = get_story_overview(session=session, story_id=story.id, framing=True).framing
    forget_this_process()
    monkeypatch.setattr(page_framing, "analyse_story", never)
    assert get_story_overview(session=session, story_id=story.id, framing=True).framing == first


def test_a_framing_kept_by_other_analysis_code_is_computed_again(session, monkeypatch):
    story = make_story(session)
    get_story_overview(session=session, story_id=story.id, framing=True)
    forget_this_process()
    monkeypatch.setattr("app.browse.framing_store.analysis_version", lambda: "other code")
    calls = []
    real = page_framing.analyse_story
    monkeypatch.setattr(page_framing, "analyse_story", lambda *a, **k: calls.append(1) or real(*a, **k))
    get_story_overview(session=session, story_id=story.id, framing=True)
    assert calls == [1]


def test_after_a_new_article_only_its_passages_are_parsed(session, parsed_texts):
    story = make_story(session, outlets=2)
    get_story_overview(session=session, story_id=story.id, framing=True)
    assert parsed_texts  # the first framing parsed the story
    forget_this_process()
    parsed_texts.clear()
    new = make_article(session, paragraphs=["A third outlet says the council vote was rushed through at night.",
                                            "Critics called the transit plan a costly gamble."],
                       story=story, title="Late-night vote")
    session.commit()
    overview = get_story_overview(session=session, story_id=story.id, framing=True)
    assert sorted(parsed_texts) == sorted(p.text for p in new.passages)
    assert len(overview.framing["outlets"]) == 3


def test_a_worker_frames_the_stories_of_the_articles_it_stored(session, engine, parsed_texts):
    story = make_story(session, events=2)
    assert frame_stories_of(session, [story.articles[0].id]) == 1
    with engine.connect() as conn:
        kept = set(conn.execute(select(Framing.kind, Framing.subject_id)).all())
    assert ("story", story.id) in kept
    forget_this_process()
    parsed_texts.clear()
    # An event page of that story analyses its passages from the kept parses: nothing parsed again.
    event = get_event_comparison(session=session, event_id=story.events[0].id, framing=True)
    assert event.framing["passages"] > 0 and parsed_texts == []
    with engine.connect() as conn:
        body = conn.scalar(text("SELECT body FROM framings WHERE kind = 'event' AND subject_id = :id"),
                           {"id": story.events[0].id})
    assert event.framing == body


def test_a_parse_read_back_gives_the_same_analysis():
    passage = common.PassageIn(id=1, article_id=1, outlet="A", text="The senator claimed the deal was a disaster.")
    doc = common.parse([passage])[1]
    back = parses.doc_from_bytes(parses.doc_to_bytes(doc))
    assert [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in back] == \
        [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in doc]


def kept_framings(session) -> set[tuple[str, int]]:
    return {(kind, subject_id) for kind, subject_id in session.execute(select(Framing.kind, Framing.subject_id))}


def keep(session, *subjects: tuple[str, int]) -> None:
    session.execute(text("INSERT INTO framings (kind, subject_id, inputs, body) VALUES (:kind, :id, '\\x00', '{}')"),
                    [{"kind": kind, "id": subject_id} for kind, subject_id in subjects])


def test_a_kept_framing_goes_with_the_story_or_event_it_framed(session):
    story, other = make_story(session, events=2), make_story(session)
    first, second = story.events[0].id, story.events[1].id
    mine = {("story", story.id), ("event", first), ("event", second), ("story", other.id)}
    session.execute(text("DELETE FROM framings"))  # what other tests' stores kept
    keep(session, *mine)
    session.execute(text("DELETE FROM events WHERE id = :id"), {"id": first})  # a regroup replaced it
    assert kept_framings(session) == {("story", story.id), ("event", second), ("story", other.id)}
    session.execute(text("DELETE FROM stories WHERE id = :id"), {"id": story.id})  # its events go too
    assert kept_framings(session) == {("story", other.id)}


def test_emptying_the_events_forgets_every_event_framing(fresh_database):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.db.migrate import upgrade

    engine = create_engine(fresh_database)
    try:
        with engine.begin() as conn:
            upgrade(conn)
        with Session(engine) as session:
            session.execute(text("INSERT INTO stories (id, title) VALUES (1, 'a')"))
            session.execute(text("INSERT INTO events (id, story_id, label) VALUES (2, 1, ''), (3, 1, '')"))
            keep(session, ("story", 1), ("event", 2), ("event", 3))
            session.commit()
            session.execute(text("TRUNCATE events CASCADE"))
            session.commit()
            assert kept_framings(session) == {("story", 1)}
    finally:
        engine.dispose()


def test_deleting_an_article_forgets_the_parses_of_its_passages_and_keeps_the_others(session):
    from app.db.models import PassageParse
    from app.ingest.removal import delete_article

    story = make_story(session, outlets=2)
    get_story_overview(session=session, story_id=story.id, framing=True)  # parses every passage
    gone, kept = story.articles[0], story.articles[1]
    digests = {a.id: {parses.text_digest(p.text) for p in a.passages} for a in (gone, kept)}
    stored = set(session.scalars(select(PassageParse.digest)))
    assert digests[gone.id] | digests[kept.id] <= stored

    assert delete_article(session=session, article_id=gone.id)
    stored = set(session.scalars(select(PassageParse.digest)))
    assert not digests[gone.id] & stored and digests[kept.id] <= stored


def test_a_story_framing_job_queues_a_job_for_each_of_its_events_and_their_pages_read_what_was_kept(
        session, engine, settings, embedder, monkeypatch):
    from app.db.models import Event
    from app.jobs.models import FRAME_EVENT

    stories = import_in_chunks_of_two(session, settings, embedder, monkeypatch)
    events = set(session.scalars(select(Event.id).where(Event.story_id.in_(stories))))
    assert events  # the quake and its follow-up share happenings
    assert not session.scalars(select(Job).where(Job.kind == FRAME_EVENT)).all()  # queued by the story's job
    run_due_jobs(session=session, embedder=embedder, settings=settings)
    done = session.scalars(select(Job).where(Job.kind == FRAME_EVENT)).all()
    assert sorted(j.payload["event_id"] for j in done) == sorted(events) and {j.status for j in done} == {"done"}
    with engine.connect() as conn:
        assert set(conn.scalars(select(Framing.subject_id).where(Framing.kind == "event"))) >= events
    forget_this_process()
    monkeypatch.setattr(page_framing, "analyse_event", never)  # the first reader reads what the worker kept
    for event_id in events:
        assert get_event_comparison(session=session, event_id=event_id, framing=True).framing


def test_parses_made_by_another_spacy_model_are_forgotten_and_the_current_ones_kept(session):
    from app.browse.framing_store import forget_other_parsers
    from app.db.models import PassageParse

    story = make_story(session, outlets=2)
    get_story_overview(session=session, story_id=story.id, framing=True)  # parses every passage
    current = set(session.scalars(select(PassageParse.digest).where(PassageParse.parser == parses.parser_name())))
    old = parses.text_digest("a text parsed by an older model")
    session.add(PassageParse(digest=old, parser="en_core_web_sm-3.0.0/spacy-3.0.0", doc=b"old"))
    session.commit()
    assert forget_other_parsers(session) >= 1
    assert set(session.scalars(select(PassageParse.digest))) == current and old not in current


def test_the_events_framed_at_import_are_those_the_story_page_shows_first(session, monkeypatch):
    from app.pipeline import events_to_frame

    story = make_story(session, events=3, outlets=3)
    shown = [c.event.id for c in get_story_overview(session=session, story_id=story.id).events]
    assert events_to_frame(frame_story(session, story.id)) == shown
    monkeypatch.setattr("app.pipeline.EVENTS_FRAMED", 2)
    assert events_to_frame(frame_story(session, story.id)) == shown[:2]
