"""Bulk ingest grouped in batches against article-by-article ingest, in one run.

    .venv/bin/python bench/batch_agreement.py ../shared/datasets/ecbplus-dev.jsonl [--limit N]

The file (the app's fields only) is ingested twice, each time into a fresh embedded database:
once with each chunk's articles joining their stories together (`ingest_items`, as `parallax
ingest` does), once one article at a time (`batched=False`, as single uploads do). Prints:
- B-cubed agreement of the two runs' stories (one as the other's gold; target >= 0.99), and the
  same for events (each passage's event, passages in no event alone);
- each run's story B-cubed F1 against the gold `event`;
- the wall and CPU seconds of each run (this process plus the database backend) and their ratio.
The embeddings are computed once, before both runs, and served from memory to both: the runs
differ only in how articles are stored and grouped.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import drafts_of, read_records  # noqa: E402
from bench.procstat import cpu_seconds  # noqa: E402
from bench.synthetic import temporary_database  # noqa: E402


class Remembered:
    """An embedder that answers from vectors computed once (texts it has not seen go to the model)."""

    def __init__(self, embedder, texts: list[str]) -> None:
        self.embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.batch_size = embedder.batch_size
        self.known = dict(zip(texts, embedder.embed(texts), strict=True))

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            self.known.update(zip(missing, self.embedder.embed(missing), strict=True))
        return np.array([self.known[t] for t in texts], dtype=np.float32)


def one_run(drafts: list, embedder, batched: bool) -> dict:
    from sqlalchemy import select, text

    from app.db.base import session_scope
    from app.db.models import Passage, PassageEvent
    from app.pipeline import ingest_items, prepare_database

    prepare_database(embedder)
    with session_scope() as session:
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        session.rollback()
        backend_cpu = cpu_seconds(backend)
        wall, cpu = time.perf_counter(), time.process_time()
        results = list(ingest_items(session=session, items=drafts, embedder=embedder, batched=batched))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        cpu += cpu_seconds(backend) - backend_cpu
        ids = [r.article_id if r.status == "ingested" else None for r in results]
        story = dict(session.execute(text("SELECT id, story_id FROM articles")).all())
        event = dict(session.execute(select(PassageEvent.passage_id, PassageEvent.event_id)).all())
        passages = session.execute(select(Passage.article_id, Passage.position, Passage.id)).all()
    event_of = {(article, position): event.get(pid) for article, position, pid in passages}
    return {"ids": ids, "story": story, "event_of": event_of, "wall": wall, "cpu": cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    from app.cluster.metrics import bcubed
    from app.config import get_settings
    from app.embed.model import get_embedder
    from app.ingest.service import IngestError, prepare

    records = read_records(args.file, args.limit)
    drafts = drafts_of(records, args.file.name)
    texts = []
    for d in drafts:
        try:
            texts += prepare(d, get_settings()).texts_to_embed
        except IngestError:
            pass
    embedder = Remembered(get_embedder(), texts)
    runs = {}
    for batched in (True, False):
        with temporary_database("parallax-batch-bench-"):
            runs[batched] = one_run(drafts, embedder, batched)
    both = [k for k, (a, b) in enumerate(zip(runs[True]["ids"], runs[False]["ids"], strict=True)) if a and b]
    stories = {b: [runs[b]["story"][runs[b]["ids"][k]] for k in both] for b in runs}
    print(f"{args.file.name}: {len(drafts)} articles, {len(both)} stored by both runs")
    p, r, f = bcubed(stories[False], stories[True])
    print(f"stories, batched against article by article: B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f} (target >= 0.99)")
    keys = [(k, pos) for k in both for pos in range(1000) if (runs[True]["ids"][k], pos) in runs[True]["event_of"]]
    events = {b: [runs[b]["event_of"][(runs[b]["ids"][k], pos)] or ("none", k, pos) for k, pos in keys] for b in runs}
    p, r, f = bcubed(events[False], events[True])
    print(f"events ({len(keys)} passages), batched against article by article: B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f}")
    gold = [records[k]["event"] for k in both]
    for b, name in ((True, "batched"), (False, "article by article")):
        gp, gr, gf = bcubed(gold, stories[b])
        print(f"{name:20s}: stories vs gold B-cubed F1 {gf:.3f} (P {gp:.3f} R {gr:.3f}); "
              f"{runs[b]['wall']:.1f} s wall, {runs[b]['cpu']:.1f} s CPU (with the database)")
    print(f"batched / article by article: wall {runs[True]['wall'] / runs[False]['wall']:.2f}x, "
          f"CPU {runs[True]['cpu'] / runs[False]['cpu']:.2f}x")


if __name__ == "__main__":
    main()
