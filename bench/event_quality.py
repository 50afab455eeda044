"""Event quality against gold event coreference, through the real app.

    .venv/bin/python bench/event_quality.py ../shared/datasets/ecbplus-events-dev.jsonl [--recluster]

Ingests the file into a fresh, empty embedded database (a temporary PARALLAX_DATA_DIR unless
--data-dir is given) with only the app's fields (no `event`, no `meta`), exports what the app
stored (`export_corpus`, as `parallax export` does), then scores its events on the pairs of
annotated passages (bench/event_scoring.py): within-event, primary-chain and across-event
pairwise precision, recall and F1, and the chains lined up, beside the two references (MiniLM
cosine with a tuned threshold, and every pair of the gold event), and per topic.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.event_scoring import annotated_passages, pairs_of, report, same_group  # noqa: E402
from bench.labelled import ingest_gold_free  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--recluster", action="store_true", help="score again after `recluster`")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    from sqlalchemy import select

    from app.cluster.service import recluster
    from app.db.base import session_scope
    from app.db.models import Passage
    from app.export import export_corpus

    records, article_of, embedder, seconds = ingest_gold_free(args.file, data_dir=args.data_dir, limit=args.limit)
    print(f"{args.file.name}: {len(records)} articles ingested in {seconds:.1f} s (model {embedder.name})")

    def score(title: str) -> None:
        with session_scope() as session:
            corpus = export_corpus(session)
            vectors = dict(session.execute(select(Passage.id, Passage.embedding)).all())
        by_article = {a["id"]: a for a in corpus["articles"]}
        seen: set[int] = set()
        passages_by_record = []
        for article_id in article_of:
            if article_id is None or article_id in seen:  # rejected, or a duplicate already counted
                passages_by_record.append([])
                continue
            seen.add(article_id)
            passages_by_record.append([(p["id"], p["text"]) for p in by_article[article_id]["passages"]])
        universe = annotated_passages(records, passages_by_record)
        pairs = pairs_of(universe)
        event_of = {p["id"]: p["event_id"] for a in corpus["articles"] for p in a["passages"]}
        vec = np.stack([np.asarray(vectors[p.key], dtype=np.float32) for p in universe.passages])
        cosine = np.einsum("ij,ij->i", vec[pairs.i], vec[pairs.j])
        in_events = sum(1 for p in universe.passages if event_of.get(p.key) is not None)
        print(f"\n{title}: {len(corpus['events'])} events; {in_events} of {len(universe.passages)} "
              "annotated passages are in one")
        for line in report(universe, pairs, {"Parallax events": same_group(universe, event_of, pairs)}, cosine):
            print(line)

    score("events as ingested")
    if args.recluster:
        with session_scope() as session:
            recluster(session)
            session.commit()
        score("events after recluster")


if __name__ == "__main__":
    main()
