"""Upgrades keep data: a database made at the oldest migration and filled there upgrades to head and
serves its stories, events and articles; a snapshot taken then survives a downgrade and an upgrade
back, with its id and what it shows, and is the one an unchanged page shared again gives. Downgrades are supported: each migration's downgrade keeps the
data (event membership goes back into passages.event_id)."""
from __future__ import annotations

import hashlib

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.db.migrate import upgrade
from tests.helpers import cli_env, running_server
from tests.waiting import PATIENCE

pytestmark = pytest.mark.slow

OLDEST = "ac17ba919a4a"  # the core tables
WITH_SNAPSHOTS = "04800cd824e4"

ARTICLES = [
    ("Harbour Herald", "Ferry strike halts crossings",
     ["Ferry crews in Lisbon walked out on Monday, halting every crossing of the Tagus for the day.",
      "The union said the strike would go on until the operator restores the night shift it cut in March."]),
    ("Tagus Times", "Crossings stop as ferry crews strike",
     ["Every ferry crossing of the Tagus stopped on Monday when crews in Lisbon went on strike.",
      "Commuters crowded the bridge buses, and the operator called the walkout unlawful."]),
]


def _fill_at_the_oldest_revision(conn, embedder) -> dict:
    """Outlets, a story, two articles with embedded passages and one event, in the oldest schema."""
    story = conn.scalar(text("INSERT INTO stories (title) VALUES ('Ferry strike in Lisbon') RETURNING id"))
    event = conn.scalar(text("INSERT INTO events (story_id, label) VALUES (:s, 'Ferry crews strike') RETURNING id"),
                        {"s": story})
    passages = []
    for outlet, title, paragraphs in ARTICLES:
        outlet_id = conn.scalar(text("INSERT INTO outlets (name) VALUES (:n) RETURNING id"), {"n": outlet})
        clean = "\n\n".join(paragraphs)
        article = conn.scalar(text(
            "INSERT INTO articles (outlet_id, story_id, title, published, source_format, source_text, clean_text, "
            "content_hash) VALUES (:o, :s, :t, '2026-03-02', 'text', :c, :c, :h) RETURNING id"),
            {"o": outlet_id, "s": story, "t": title, "c": clean, "h": hashlib.sha256(clean.encode()).hexdigest()})
        vectors = embedder.embed(paragraphs)
        start = 0
        for position, (paragraph, vector) in enumerate(zip(paragraphs, vectors, strict=True)):
            pid = conn.scalar(text(
                'INSERT INTO passages (article_id, position, start, "end", text, embedding, embedding_model, event_id) '
                "VALUES (:a, :p, :s, :e, :t, :v, :m, :ev) RETURNING id"),
                {"a": article, "p": position, "s": start, "e": start + len(paragraph), "t": paragraph,
                 "v": "[" + ",".join(f"{x:.6f}" for x in vector) + "]", "m": embedder.name,
                 "ev": event if position == 0 else None})
            passages.append(pid)
            start += len(paragraph) + 2
    return {"story": story, "event": event, "passages": passages}


def _memberships(conn) -> dict[int, int]:
    columns = {r[0] for r in conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'passages'"))}
    if "event_id" in columns:
        return dict(conn.execute(text("SELECT id, event_id FROM passages WHERE event_id IS NOT NULL")).all())
    return dict(conn.execute(text("SELECT passage_id, event_id FROM passage_events")).all())


def _pages(base: str, ids: dict) -> dict[str, str]:
    pages = {}
    for path in (f"/stories/{ids['story']}", f"/events/{ids['event']}", "/"):
        response = httpx.get(base + path, follow_redirects=True, timeout=PATIENCE)
        assert response.status_code == 200, (path, response.text[:300])
        pages[path] = response.text
    return pages


def test_a_database_from_the_oldest_migration_upgrades_serves_and_survives_a_downgrade(fresh_database, embedder,
                                                                                          tmp_path):
    engine = create_engine(fresh_database)
    env = cli_env(tmp_path / "data", DATABASE_URL=fresh_database)
    try:
        with engine.begin() as conn:
            upgrade(conn, OLDEST)
            ids = _fill_at_the_oldest_revision(conn, embedder)
            before = _memberships(conn)
        with engine.begin() as conn:
            upgrade(conn)
            assert _memberships(conn) == before

        with running_server(env) as base:  # the server's start fills what later migrations added (vectors)
            pages = _pages(base, ids)
            for _outlet, title, paragraphs in ARTICLES:
                assert title in pages[f"/stories/{ids['story']}"]
                assert paragraphs[0] in pages[f"/events/{ids['event']}"]
            shared = httpx.post(base + "/api/snapshots", json={"kind": "event", "id": ids["event"]}, timeout=PATIENCE)
            assert shared.status_code == 201, shared.text
            snapshot = shared.json()["id"]
            frozen = httpx.get(base + f"/api/snapshots/{snapshot}", timeout=PATIENCE).json()

        from alembic import command

        from app.db.migrate import alembic_config

        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), WITH_SNAPSHOTS)
        with engine.connect() as conn:
            assert _memberships(conn) == before  # back in passages.event_id
            assert conn.scalar(text("SELECT count(*) FROM snapshots WHERE id = :i"), {"i": snapshot}) == 1
        with engine.begin() as conn:
            upgrade(conn)

        with running_server(env) as base:
            again = _pages(base, ids)
            for _outlet, _title, paragraphs in ARTICLES:
                assert paragraphs[0] in again[f"/events/{ids['event']}"]
            kept = httpx.get(base + f"/api/snapshots/{snapshot}", timeout=PATIENCE)
            assert kept.status_code == 200
            assert {**kept.json(), "url": None} == {**frozen, "url": None}  # the same but for the server's port
            assert httpx.get(base + f"/c/{snapshot}", timeout=PATIENCE).status_code == 200
            # The snapshot taken before the digests were added is found again for the unchanged page.
            reshared = httpx.post(base + "/api/snapshots", json={"kind": "event", "id": ids["event"]}, timeout=PATIENCE)
            assert reshared.status_code == 200 and reshared.json()["id"] == snapshot
    finally:
        engine.dispose()
