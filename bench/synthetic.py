"""Shared by the scale benches: a fresh embedded database per run, seed sentences for passage
text, and synthetic story vectors (each story a random direction, its articles' passages noisy
copies of it, each story with its own entity names)."""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIM = 384


def fresh_database(prefix: str, keep: Path | None = None) -> Path:
    """Point the app at a new embedded database in a new temp dir (DATABASE_URL unset) and drop
    the cached settings and engine, so one process can run several sizes in turn. `keep`: that
    dir instead, created if missing and reused if not (a big corpus is loaded once)."""
    data_dir = Path(tempfile.mkdtemp(prefix=prefix)) if keep is None else keep
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PARALLAX_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    from app.config import get_settings
    from app.db import base

    get_settings.cache_clear()
    base.get_engine.cache_clear()
    base._session_factory.cache_clear()
    return data_dir


def seed_sentences() -> list[str]:
    """Real sentences (over 60 characters) from the seed articles."""
    return [s for f in sorted((ROOT / "seeds").glob("*.txt"))
            for s in re.split(r"(?<=[.!?])\s+", f.read_text(encoding="utf-8")) if len(s) > 60]


def synthetic_corpus(n_articles: int, per_article: int, rng: np.random.Generator):
    """Yields (story index, passage vectors, names) per article; about four articles a story."""
    n_stories = max(1, n_articles // 4)
    centres = rng.normal(size=(n_stories, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    for _ in range(n_articles):
        story = int(rng.integers(n_stories))
        noise = rng.normal(scale=0.045, size=(per_article, DIM)).astype(np.float32)
        vectors = centres[story] + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        names = [f"name{story}_{k}" for k in rng.integers(0, 6, size=3)]
        yield story, vectors, names


@contextmanager
def temporary_database(prefix: str) -> Iterator[Path]:
    """A fresh embedded database for the length of a run (fresh_database), dropped after it."""
    data_dir = fresh_database(prefix)
    try:
        yield data_dir
    finally:
        drop_database(data_dir)


def drop_database(data_dir: Path, *, delete: bool = True) -> None:
    """Close the engine, stop the embedded server started for `data_dir` and delete the dir
    (unless told not to)."""
    import shutil

    from app.config import get_settings
    from app.db import base
    from app.db.embedded import _SERVERS

    base.get_engine().dispose()
    server = _SERVERS.pop(str(get_settings().embedded_pg_dir), None)
    if server is not None:
        server.cleanup()
    if delete:
        shutil.rmtree(data_dir, ignore_errors=True)
