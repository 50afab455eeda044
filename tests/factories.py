"""Plain builders for test data (outlets, articles with passages, stories with events) and a
TestClient bound to the test's session. Builders commit: in the test session that only releases a
savepoint, and the whole test is still rolled back."""
from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db.models import Article, Event, Outlet, Passage, Story

_seq = itertools.count(1)


def make_outlet(session: Session, name: str | None = None, domain: str | None = None) -> Outlet:
    n = next(_seq)
    outlet = Outlet(name=name or f"Outlet {n}", domain=domain or f"outlet{n}.example")
    session.add(outlet)
    session.flush()
    return outlet


def make_article(
    session: Session, *, paragraphs: list[str], outlet: Outlet | None = None, story: Story | None = None,
    events: list[Event | None] | None = None, title: str | None = "An article", published: date | None = None,
    byline: str | None = None, url: str | None = None, embedder=None,
) -> Article:
    """An article whose passages are its paragraphs; events[i] is the event of passage i."""
    clean_text = "\n\n".join(paragraphs)
    article = Article(
        outlet=outlet, story=story, title=title, url=url, byline=byline, published=published, language="en",
        source_format="text", source_name="factory", source_text=clean_text, clean_text=clean_text,
        content_hash=hashlib.sha256(f"{next(_seq)}:{clean_text}".encode()).hexdigest(),
    )
    vectors = embedder.embed(paragraphs) if embedder is not None else [None] * len(paragraphs)
    start = 0
    for i, (text, vector) in enumerate(zip(paragraphs, vectors, strict=True)):
        event_ = events[i] if events and i < len(events) else None
        article.passages.append(Passage(
            position=i, start=start, end=start + len(text), text=text, event=event_,
            embedding=vector, embedding_model=embedder.name if embedder is not None else None,
        ))
        start += len(text) + 2
    session.add(article)
    session.flush()
    return article


def make_story(session: Session, *, title: str = "Council approves the transit plan", outlets: int = 3,
               events: int = 2, only_here: int = 1, skip: tuple[tuple[int, int], ...] = ()) -> Story:
    """A story covered by `outlets` outlets (one article each) with `events` events; outlet o reports
    event e unless (o, e) is in `skip`; each article also has `only_here` passages in no event."""
    story = Story(title=title)
    session.add(story)
    session.flush()
    event_rows = [Event(story=story, label=f"Event {e + 1} of {title}") for e in range(events)]
    session.add_all(event_rows)
    session.flush()
    for o in range(outlets):
        outlet = make_outlet(session)
        reported = [e for e in range(events) if (o, e) not in skip]
        paragraphs = [f"{outlet.name} on event {e + 1}: the council voted {e + 5} to {o + 1}." for e in reported]
        paragraphs += [f"{outlet.name} alone adds detail number {k + 1} about the budget." for k in range(only_here)]
        make_article(session, paragraphs=paragraphs, outlet=outlet, story=story,
                     events=[event_rows[e] for e in reported], title=f"{outlet.name} reports: {title}",
                     published=date(2025, 3, 1 + o), byline=f"Reporter {o + 1}")
    session.commit()
    return story


def make_story_of(session: Session, *, title: str, events: int,
                  articles: list[tuple[Outlet, list[tuple[str, int | None]]]]) -> Story:
    """A story of the given outlets' articles (outlets may recur across stories): each paragraph
    with the index of its event, or None for a passage in no event."""
    story = Story(title=title)
    event_rows = [Event(story=story, label=f"Event {e + 1} of {title}") for e in range(events)]
    session.add_all([story, *event_rows])
    session.flush()
    for day, (outlet, paragraphs) in enumerate(articles, start=1):
        make_article(session, paragraphs=[text for text, _ in paragraphs], outlet=outlet, story=story,
                     events=[None if e is None else event_rows[e] for _, e in paragraphs],
                     title=f"{outlet.name}: {title}", published=date(2025, 3, day))
    session.commit()
    return story


@contextmanager
def web_client(session: Session, *, csrf: bool = True) -> Iterator[TestClient]:
    """The app with every request using the test's session; each request sees a new corpus
    generation, so pages go through the page cache but are always built. With `csrf`, the client sends the CSRF
    token of its cookie in the X-CSRF-Token header, as static/app.js makes HTMX do."""
    from app.db.generation import CorpusState
    from app.main import create_app
    from app.security.csrf import COOKIE, HEADER
    from app.web.deps import get_session

    generations = itertools.count()

    async def next_generation(since: int | None) -> CorpusState:  # the test's writes never commit:
        return CorpusState(next(generations), None)  # every request builds its page

    app = create_app(corpus_generation=next_generation)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        if csrf:
            client.get("/healthz")
            client.headers[HEADER] = client.cookies[COOKIE]
        yield client


def run_jobs(session: Session, embedder=None) -> list:
    """Run every due job in the test's session (what `parallax worker` does), returning them."""
    from app.embed.model import get_embedder
    from app.jobs.worker import run_due_jobs

    return run_due_jobs(session=session, embedder=embedder or get_embedder())


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    """Every SQL statement run while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
