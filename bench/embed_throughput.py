"""Passages per second of each packaged embedding model on this machine.

    .venv/bin/python bench/embed_throughput.py [FILE.jsonl] [--limit N] [--batch-size 32]

Passages come from FILE.jsonl (default ../shared/datasets/allsides-dev.jsonl if present,
otherwise the seeds), split exactly as ingest splits them. Prints passages/s per model and the
ratio between them, measured in the same run.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import get_settings  # noqa: E402
from app.embed.model import MINILM, MPNET, load_embedder  # noqa: E402
from app.ingest.clean import clean  # noqa: E402
from app.ingest.passages import split_passages  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "datasets" / "allsides-dev.jsonl"


def passages(path: Path | None, limit: int) -> list[str]:
    settings = get_settings()
    texts = []
    if path and path.exists():
        texts = [json.loads(line).get("text") or "" for line in path.open(encoding="utf-8")]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))] * 50
    out = []
    for text in texts:
        c = clean(text).text
        out += [c[s.start:s.end] for s in split_passages(c, max_chars=settings.passage_max_chars,
                                                          min_chars=settings.passage_min_chars)]
        if len(out) >= limit:
            break
    return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--models", default=f"{MINILM},{MPNET}")
    args = ap.parse_args()
    texts = passages(args.file, args.limit)
    chars = sum(map(len, texts)) / max(len(texts), 1)
    print(f"{len(texts)} passages, {chars:.0f} characters on average, batch size {args.batch_size}")
    cache = get_settings().data_dir.resolve() / "models"
    rates = {}
    for name in args.models.split(","):
        try:
            embedder = load_embedder(name, cache, "cpu", args.batch_size)
        except RuntimeError as exc:
            print(f"{name}: skipped ({exc})")
            continue
        embedder.embed(texts[:32])  # warm-up
        start = time.perf_counter()
        embedder.embed(texts)
        seconds = time.perf_counter() - start
        rates[name] = len(texts) / seconds
        print(f"{name:20s} dim {embedder.dim:4d}  {rates[name]:7.1f} passages/s  ({seconds:.1f} s)")
    if len(rates) == 2:
        a, b = rates.values()
        print(f"ratio {list(rates)[0]} / {list(rates)[1]}: {a / b:.1f}x")


if __name__ == "__main__":
    main()
