"""Story clustering quality on a labelled JSONL file, through the real app.

    .venv/bin/python bench/cluster_quality.py ../shared/datasets/ecbplus-dev.jsonl [--no-recluster]

Ingests the file into a fresh, empty embedded database (a temporary PARALLAX_DATA_DIR unless
--data-dir is given) with the `event` and `meta` fields removed, so the gold labels never reach
the app. Scores the stories the app formed while ingesting (incremental), then again after
`recluster`: B-cubed precision, recall, F1 and the adjusted Rand index over articles; for ECB+
also per topic.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import ingest_gold_free  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--no-recluster", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    from app.cluster.metrics import score
    from app.cluster.service import recluster
    from app.db.base import session_scope
    from app.db.models import Article

    records, article_of, embedder, ingest_seconds = ingest_gold_free(args.file, data_dir=args.data_dir,
                                                                     limit=args.limit)
    gold = [r["event"] for r in records]
    topics = [str((r.get("meta") or {}).get("topic", "")) for r in records]
    print(f"{args.file.name}: {len(records)} articles, {len(set(gold))} gold events, model {embedder.name}")
    print(f"ingest with incremental clustering: {ingest_seconds:.1f} s")

    def report(title: str) -> None:
        with session_scope() as session:
            story = dict(session.query(Article.id, Article.story_id).all())
        seen: set[int] = set()
        g, p, t = [], [], []
        for gold_label, article_id, topic in zip(gold, article_of, topics, strict=True):
            if article_id is None or article_id in seen:
                continue  # rejected, or a duplicate text already counted
            seen.add(article_id)
            g.append(gold_label)
            p.append(story[article_id])
            t.append(topic)
        print(f"{title:12s} {score(g, p)}  stories {len(set(p))}")
        if any(t):
            by_topic = defaultdict(lambda: ([], []))
            for gold_label, pred, topic in zip(g, p, t, strict=True):
                by_topic[topic][0].append(gold_label)
                by_topic[topic][1].append(pred)
            for topic in sorted(by_topic, key=lambda x: (len(x), x)):
                tg, tp = by_topic[topic]
                print(f"    topic {topic:>4s}: {score(tg, tp)}  ({len(tg)} articles)")

    report("incremental")
    if not args.no_recluster:
        start = time.perf_counter()
        with session_scope() as session:
            summary = recluster(session)
            session.commit()
        print(f"recluster: {time.perf_counter() - start:.1f} s; {summary}")
        report("recluster")


if __name__ == "__main__":
    main()
