"""Labelled dataset files (../shared/datasets) for the benchmarks: the records as they are, and
drafts built from the app's own fields only, so the gold `event` and `meta` never reach the app."""
from __future__ import annotations

import json
from pathlib import Path

APP_FIELDS = ("title", "outlet", "url", "published", "byline", "text", "html")


def read_records(path: Path, limit: int = 0) -> list[dict]:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return records[:limit] if limit else records


def read_events(path: Path) -> dict[str, list[dict]]:
    """The records grouped by their gold `event` (each event's articles, in file order), events in
    the order they first appear."""
    events: dict[str, list[dict]] = {}
    for record in read_records(path):
        events.setdefault(record["event"], []).append(record)
    return events


def drafts_of(records: list[dict], name: str) -> list:
    from app.ingest.extract import from_record

    return [from_record({k: r.get(k) for k in APP_FIELDS}, source_name=f"{name}:{i + 1}")
            for i, r in enumerate(records)]


def ingest_gold_free(path: Path, *, data_dir: Path | None = None, limit: int = 0):
    """A fresh embedded database (a temporary PARALLAX_DATA_DIR unless `data_dir` is given), the
    file ingested with the app's fields only. Returns (records, article id per record or None,
    embedder, ingest seconds)."""
    import os
    import tempfile
    import time

    os.environ["PARALLAX_DATA_DIR"] = str(data_dir or Path(tempfile.mkdtemp(prefix="parallax-bench-")))
    os.environ.pop("DATABASE_URL", None)
    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.pipeline import ingest_items, prepare_database

    records = read_records(path, limit)
    drafts = drafts_of(records, path.name)  # only the app's fields: no event, no meta
    embedder = get_embedder()
    prepare_database(embedder)
    start = time.perf_counter()
    with session_scope() as session:
        article_of = [result.article_id for result in ingest_items(session=session, items=drafts, embedder=embedder)]
    return records, article_of, embedder, time.perf_counter() - start
