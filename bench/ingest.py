"""End-to-end ingest against the bare model, in one run.

    .venv/bin/python bench/ingest.py ../shared/datasets/allsides-dev.jsonl [--limit N]

1. Bare encode: the same passages (and titles) that ingest embeds, split exactly as ingest
   splits them, through `model.encode` with the same model and batch size.
2. End to end: `ingest_items` into a fresh embedded database (reading, cleaning, splitting,
   embedding, storing, spaCy features and clustering on every article).
Prints both times and the ratio end-to-end / bare encode (target <= 1.3). With --profile, the
end-to-end run is profiled and the time per phase printed (the profiler slows that run, so the
ratio is then pessimistic).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import drafts_of, read_records  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--profile", action="store_true", help="profile the end-to-end run by phase")
    args = ap.parse_args()
    os.environ["PARALLAX_DATA_DIR"] = tempfile.mkdtemp(prefix="parallax-ingest-bench-")
    os.environ.pop("DATABASE_URL", None)

    import cProfile
    import pstats

    from app.config import get_settings
    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.ingest.service import IngestError, prepare
    from app.pipeline import ingest_items, prepare_database

    settings = get_settings()
    records = read_records(args.file, args.limit)
    drafts = drafts_of(records, args.file.name)
    embedder = get_embedder()
    prepare_database(embedder)

    texts = []
    for d in drafts:
        try:
            texts += prepare(d, settings).texts_to_embed
        except IngestError:
            pass
    embedder.embed(texts[:64])  # warm-up, both paths share it
    start = time.perf_counter()
    embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True, convert_to_numpy=True)
    bare = time.perf_counter() - start

    profile = cProfile.Profile()
    start = time.perf_counter()
    if args.profile:
        profile.enable()
    with session_scope() as session:
        results = list(ingest_items(session=session, items=drafts, embedder=embedder))
    profile.disable()
    end_to_end = time.perf_counter() - start
    stored = sum(r.status == "ingested" for r in results)
    print(f"{args.file.name}: {len(drafts)} articles ({stored} stored), {len(texts)} texts embedded, "
          f"model {embedder.name}, batch {embedder.batch_size}")
    print(f"bare model.encode : {bare:7.1f} s  ({len(texts) / bare:.0f} texts/s)")
    print(f"parallax ingest   : {end_to_end:7.1f} s  ({len(texts) / end_to_end:.0f} texts/s)")
    print(f"ratio end-to-end / bare encode: {end_to_end / bare:.2f}x (target <= 1.3x)")
    if not args.profile:
        return
    stats = pstats.Stats(profile)
    phases = {
        "model (encode)": "encode",
        "spaCy features": "facts_of_many",
        "clustering (assign_article)": "assign_article",
        "cleaning + splitting (prepare)": "prepare",
        "storing (store_article)": "store_article",
    }
    for label, func in phases.items():
        total = sum(v[3] for k, v in stats.stats.items() if k[2] == func)
        print(f"  {label:32s} {total:7.1f} s")


if __name__ == "__main__":
    main()
