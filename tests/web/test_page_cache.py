"""Stored pages, against a real `parallax serve --seed` (its own embedded database) and a second
process writing to the same database: a page is built once per corpus generation, and any commit,
whoever makes it, shows on the next request. Every reader keeps their own CSRF token and log-in."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.helpers import cli_env, run_cli, running_server, wait_for_job
from tests.waiting import PATIENCE
from tests.web.html import soup

pytestmark = pytest.mark.slow
ADMIN = "page-cache-test-token"
MORE = ("Harbour workers in Rotterdam ended a three-day strike on Tuesday after the port authority agreed "
        "to a new wage deal, the union said. Container traffic is expected to recover by the weekend.\n\n"
        "The port authority said the agreement raises wages by four percent this year and adds a night-shift "
        "bonus; shipping lines had diverted vessels to Antwerp and Hamburg during the stoppage.")

VOLCANO = ("A volcano on the Reykjanes peninsula erupted on Monday, sending lava towards the fishing town of "
           "Grindavik, Iceland's meteorological office said. Residents had been evacuated days earlier.\n\n"
           "The office said the fissure was about three kilometres long and that flights at Keflavik airport "
           "were not affected; defence walls built last year slowed the lava.")


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return cli_env(tmp_path_factory.mktemp("page-cache") / "data", PARALLAX_ADMIN_TOKEN=ADMIN,
                   PARALLAX_RATE_LIMIT_PER_MINUTE="0")


@pytest.fixture(scope="module")
def server(env) -> Iterator[str]:
    with running_server(env, "--seed") as base:
        yield base


@pytest.fixture
def reader(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=PATIENCE) as client:
        yield client


def story_path(reader: httpx.Client) -> str:
    return soup(reader.get("/")).select_one("a[href^='/stories/']")["href"]


def test_the_second_reader_of_a_page_gets_it_stored_with_the_same_content(server, reader):
    path = story_path(reader)
    first = reader.get(path)
    with httpx.Client(base_url=server, timeout=PATIENCE) as other:
        second = other.get(path)
        tokens = [(reader.cookies["parallax_csrf"], ""), (other.cookies["parallax_csrf"], "")]
    assert second.headers["x-page-cache"] == "hit"
    assert first.headers["cache-control"] == "private, no-cache"
    assert _without(first.text, tokens) == _without(second.text, tokens)


def test_every_reader_gets_their_own_csrf_token_in_a_stored_page(server, reader):
    path = story_path(reader)
    with httpx.Client(base_url=server, timeout=PATIENCE) as other:
        for client in (reader, other, reader):
            page = client.get(path)
            assert page.headers["x-page-cache"] == "hit"
            token = client.cookies["parallax_csrf"]
            assert soup(page).select_one("meta[name=csrf-token]")["content"] == token
        assert reader.cookies["parallax_csrf"] not in other.get(path).text


def test_an_unchanged_page_revalidates_to_304_and_a_new_reader_never_gets_someone_elses(server, reader):
    page = reader.get("/")
    etag = page.headers["etag"]
    again = reader.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    with httpx.Client(base_url=server, timeout=PATIENCE) as other:
        assert other.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_a_commit_from_another_process_shows_on_the_next_request(server, env, reader, tmp_path):
    before = reader.get("/")
    assert reader.get("/").headers["x-page-cache"] == "hit"
    article = tmp_path / "rotterdam.md"
    article.write_text(f"---\ntitle: Rotterdam strike ends\noutlet: Harbour Post\n---\n{MORE}", encoding="utf-8")
    ingested = run_cli("ingest", str(article), env=env)
    assert ingested.returncode == 0, ingested.stderr
    after = reader.get("/")
    assert after.headers["x-page-cache"] == "miss"
    assert "Rotterdam" in after.text and "Rotterdam" not in before.text


def test_a_job_run_by_the_server_shows_at_once(server, reader):
    outlets = reader.get("/outlets").text
    created = reader.post("/api/articles", json={"text": MORE.replace("Rotterdam", "Gdansk"), "outlet": "Baltic Daily"},
                          headers={"Authorization": f"Bearer {ADMIN}"})
    assert created.status_code == 202, created.text
    assert wait_for_job(server, created.json()["url"])["status"] == "done"
    assert "Baltic Daily" not in outlets and "Baltic Daily" in reader.get("/outlets").text


def test_logging_in_changes_the_header_for_that_reader_only(server, reader):
    with httpx.Client(base_url=server, timeout=PATIENCE) as anonymous:
        assert "Log out" not in anonymous.get("/").text
        reader.get("/login")
        logged_in = reader.post("/login", data={"token": ADMIN, "next": "/", "csrf_token": reader.cookies["parallax_csrf"]})
        assert logged_in.status_code in (200, 303), logged_in.text
        assert "Log out" in reader.get("/").text
        assert "Log out" not in anonymous.get("/").text


@pytest.fixture
def migrated(fresh_database) -> Iterator[Session]:
    """A session on a new database at the head migration (its own commits are real)."""
    from app.db.migrate import upgrade

    engine = create_engine(fresh_database)
    try:
        with engine.begin() as conn:
            upgrade(conn)
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def test_the_generation_moves_once_per_commit_whatever_it_touched_and_not_on_rollback(migrated):
    session = migrated
    read = text("SELECT generation FROM corpus_state")
    start = session.scalar(read)
    session.execute(text("INSERT INTO outlets (name) VALUES ('One'), ('Two'), ('Three')"))
    session.execute(text("UPDATE outlets SET name = name || '!'"))
    assert session.scalar(read) == start  # not before the commit: readers would cache old rows
    session.commit()
    assert session.scalar(read) == start + 1
    session.execute(text("DELETE FROM outlets"))
    session.rollback()
    assert session.scalar(read) == start + 1
    session.execute(text("DELETE FROM outlets"))
    session.commit()
    assert session.scalar(read) == start + 2


def _without(html: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        html = html.replace(old, new)
    return html


def test_each_generation_lists_the_stories_it_changed(migrated):
    session = migrated
    changes = text("SELECT story_id FROM corpus_changes WHERE generation = (SELECT generation FROM corpus_state)")
    session.execute(text("INSERT INTO stories (id, title) VALUES (71, 'a'), (72, 'b')"))
    session.commit()
    assert set(session.scalars(changes)) == {71, 72}
    session.execute(text("INSERT INTO articles (id, story_id, source_format, source_text, clean_text, "
                         "content_hash) VALUES (81, 71, 'text', 'x', 'x', 'h81')"))
    session.execute(text("INSERT INTO passages (article_id, position, start, \"end\", text) "
                         "VALUES (81, 0, 0, 1, 'x')"))
    session.execute(text("INSERT INTO events (id, story_id, label) VALUES (91, 71, '')"))
    session.commit()
    assert set(session.scalars(changes)) == {71}
    session.execute(text("UPDATE articles SET story_id = 72 WHERE id = 81"))  # moved: both change
    session.commit()
    assert set(session.scalars(changes)) == {71, 72}
    session.execute(text("INSERT INTO outlets (id, name) VALUES (61, 'New')"))
    session.commit()
    assert set(session.scalars(changes)) == set()  # shown only where its articles go
    session.execute(text("UPDATE outlets SET name = 'Renamed' WHERE id = 61"))
    session.commit()
    assert set(session.scalars(changes)) == {0}  # a name every page may show
    session.execute(text("DELETE FROM articles WHERE id = 81"))  # its passages go with it
    session.commit()
    assert set(session.scalars(changes)) == {72}


def test_a_commit_drops_the_pages_of_the_story_it_changed_and_keeps_the_others(server, env, reader, tmp_path):
    seed_story = story_path(reader)
    first = tmp_path / "volcano.md"
    first.write_text(f"---\ntitle: Volcano erupts near Grindavik\noutlet: Reykjavik Wire\n---\n{VOLCANO}",
                     encoding="utf-8")
    assert run_cli("ingest", str(first), env=env).returncode == 0
    volcano_story = soup(reader.get("/")).select_one("a[href^='/stories/']")["href"]
    assert volcano_story != seed_story
    for path in (seed_story, volcano_story, "/"):
        reader.get(path)
        assert reader.get(path).headers["x-page-cache"] == "hit"
    second = tmp_path / "volcano-2.md"
    second.write_text("---\ntitle: Eruption near Grindavik forces evacuation\noutlet: Nordic Times\n---\n"
                      + VOLCANO.replace("on Monday", "late on Monday"), encoding="utf-8")
    assert run_cli("ingest", str(second), env=env).returncode == 0
    assert reader.get("/").headers["x-page-cache"] == "miss"  # lists show every story
    changed = reader.get(volcano_story)
    assert changed.headers["x-page-cache"] == "miss" and "Nordic Times" in changed.text
    assert reader.get(seed_story).headers["x-page-cache"] == "hit"


class SlowPages:
    """An app whose builds wait for the test's go-ahead, showing the generation they were built at."""

    def __init__(self, state: dict):
        self.state, self.builds, self.gate = state, [], asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.builds.append(scope["path"])
        seen = self.state["generation"]
        await self.gate.wait()
        if scope["path"].startswith("/stories/"):
            scope["state"]["page_stories"] = frozenset({int(scope["path"].rsplit("/", 1)[1])})
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": f"built at {seen}".encode()})


def page_cache(state: dict):
    from app.db.generation import CorpusState
    from app.web.page_cache import PageCacheMiddleware

    async def corpus(since):
        return CorpusState(state["generation"], state["changed"])

    pages = SlowPages(state)
    cache = PageCacheMiddleware(pages, 1_000_000, generation=corpus)

    async def get(path: str) -> tuple[str, str]:
        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "scheme": "http",
                 "headers": [(b"host", b"test")], "state": {"csrf_token": "token"}}
        sent = []

        async def send(message):
            sent.append(message)

        await cache(scope, None, send)
        return dict(sent[0]["headers"])[b"x-page-cache"].decode(), sent[1]["body"].decode()

    return pages, get


def test_readers_asking_while_a_page_is_built_wait_for_that_one_build():
    async def scenario():
        pages, get = page_cache({"generation": 1, "changed": frozenset()})
        first, second = asyncio.create_task(get("/")), asyncio.create_task(get("/"))
        await asyncio.sleep(0)
        pages.gate.set()
        assert await first == ("miss", "built at 1") and await second == ("hit", "built at 1")
        assert pages.builds == ["/"]

    asyncio.run(scenario())


def test_while_a_changed_page_is_rebuilt_other_readers_get_it_as_it_was_and_the_rebuilder_gets_it_fresh():
    async def scenario():
        state = {"generation": 1, "changed": frozenset()}
        pages, get = page_cache(state)
        pages.gate.set()
        for path in ("/", "/stories/5", "/stories/6"):
            await get(path)
        pages.gate.clear()
        state.update(generation=2, changed=frozenset({6}))
        rebuilt = asyncio.create_task(get("/"))
        await asyncio.sleep(0)
        assert await get("/") == ("stale", "built at 1")  # asked while the rebuild runs
        assert await get("/stories/5") == ("hit", "built at 1")  # a story the change did not touch
        pages.gate.set()
        assert await rebuilt == ("miss", "built at 2")
        assert await get("/") == ("hit", "built at 2")
        assert await get("/stories/6") == ("miss", "built at 2")
        assert pages.builds == ["/", "/stories/5", "/stories/6", "/", "/stories/6"]

    asyncio.run(scenario())
