"""Labelled dataset files (../shared/datasets) for the benchmarks: the records as they are, and
drafts built from the app's own fields only, so the gold `event` and `meta` never reach the app."""
from __future__ import annotations

import json
from pathlib import Path

APP_FIELDS = ("title", "outlet", "url", "published", "byline", "text", "html")


def read_records(path: Path, limit: int = 0) -> list[dict]:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return records[:limit] if limit else records


def drafts_of(records: list[dict], name: str) -> list:
    from app.ingest.extract import from_record

    return [from_record({k: r.get(k) for k in APP_FIELDS}, source_name=f"{name}:{i + 1}")
            for i, r in enumerate(records)]
