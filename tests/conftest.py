"""Shared fixtures: a real Postgres with pgvector (embedded pgserver, one per xdist worker, or
PARALLAX_TEST_DATABASE_URL), migrations run once, a savepoint per test, the real model."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.config import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEST_RUNS = ROOT / "var" / "test-runs"
TEST_SHARED_BUFFERS_MB = 128  # Postgres's own default: small test databases, many servers per run


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Temporary folders of this run in a folder of its own (tests/runs.py says why); xdist's
    workers get theirs inside it from the controller."""
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        from tests.runs import new_run_folder

        config.option.basetemp = str(new_run_folder(TEST_RUNS))


def seed_texts() -> list[str]:
    """The three seed articles as given (000, 001, 002)."""
    return [f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("parallax-data")


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> str:
    given = os.environ.get("PARALLAX_TEST_DATABASE_URL")
    if given:
        return given
    from app.db.embedded import embedded_url

    return embedded_url(data_dir / "pg", TEST_SHARED_BUFFERS_MB)


@pytest.fixture(scope="session", autouse=True)
def settings(database_url: str, data_dir: Path) -> Iterator[Settings]:
    """Point the whole app at the test database for this session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", database_url)
    mp.setenv("PARALLAX_DATA_DIR", str(data_dir))
    # Write limits live in the database and outlast each test's app: off, but where a test turns them on.
    mp.setenv("PARALLAX_RATE_LIMIT_PER_MINUTE", "0")
    get_settings.cache_clear()
    from app.db import base

    base.get_engine.cache_clear()
    base._session_factory.cache_clear()
    yield get_settings()
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def embedder():
    from app.embed.model import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def engine(settings, embedder):
    from app.db.base import get_engine
    from app.pipeline import prepare_database

    prepare_database(embedder)
    return get_engine()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; the code under
    test may commit and roll back freely (those become savepoints)."""
    with engine.connect() as conn:
        trans = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield s
        finally:
            s.close()
            trans.rollback()


@pytest.fixture
def fresh_database(database_url: str) -> Iterator[str]:
    """An empty database on the same server, dropped afterwards."""
    import uuid

    name = f"parallax_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def row_counts(session: Session) -> dict[str, int]:
    tables = ["outlets", "articles", "passages", "stories", "events"]
    return {t: session.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}
