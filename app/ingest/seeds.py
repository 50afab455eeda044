"""The seed corpus: seeds/seeds.yaml names each file and what is known about it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from app.ingest.drafts import ArticleDraft, IngestError, Rejection
from app.ingest.readers import draft_from_bytes, sniff_format


def read_seeds(folder: Path, *, max_bytes: int) -> Iterator[ArticleDraft | Rejection]:
    manifest = yaml.safe_load((folder / "seeds.yaml").read_text(encoding="utf-8")) or []
    for entry in manifest:
        path = folder / entry["file"]
        meta = {k: entry.get(k) for k in ("title", "outlet", "url", "byline", "published")}
        try:
            data = path.read_bytes()
            yield draft_from_bytes(
                data, source_name=f"seeds/{path.name}", fmt=sniff_format(path, data), max_bytes=max_bytes, **meta
            )
        except (IngestError, OSError) as exc:
            yield Rejection(f"seeds/{path.name}", str(exc))
