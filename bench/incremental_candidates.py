"""Which stored articles a new one should be compared with: replays incremental clustering.

    .venv/bin/python bench/cluster_quality.py ../shared/datasets/ecbplus-dev.jsonl --data-dir DIR
    .venv/bin/python bench/incremental_candidates.py DIR ../shared/datasets/ecbplus-dev.jsonl \\
        [article:30 passage:10 ...]

Reads the articles a quality run left in DIR (their stored features and vectors, in id order,
which is ingest order) and replays `assign_article` in memory for each way of finding candidate
stories: `article:K`, the stories of the K nearest earlier articles by article vector (what the
app does, through the articles' HNSW index), or `passage:K`, the stories owning each passage's K
nearest earlier passages (what it did before). The regrouping is the app's own
(`regroup_neighbourhood`, with document frequencies counted up to that article). Searches here are
exact, where the app's are approximate. Prints B-cubed and ARI against the file's gold events.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import read_records  # noqa: E402


def nearest(queries: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Indices of each query's k nearest rows by cosine (all rows when there are at most k)."""
    if len(rows) <= k:
        return np.tile(np.arange(len(rows)), (len(queries), 1))
    return np.argpartition(-(queries @ rows.T), k - 1, axis=1)[:, :k]


def replay(feats, way: str, k: int) -> list[int]:
    """Each article's story (keyed by its lowest member's row), assigning them one at a time in order."""
    from app.cluster.stories import regroup_neighbourhood
    from app.cluster.vocabulary import DocumentFrequencies

    owner = np.concatenate([np.full(len(f.passage_ids), i) for i, f in enumerate(feats)])
    passages = np.concatenate([f.passage_vectors for f in feats])
    first_passage = np.cumsum([0] + [len(f.passage_ids) for f in feats])
    articles = np.array([f.vector for f in feats])
    row_of = {f.id: i for i, f in enumerate(feats)}
    story: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    df: Counter = Counter()
    for i, new in enumerate(feats):
        df.update(new.terms)
        if i == 0:
            near: set[int] = set()
        elif way == "article":
            near = set(nearest(articles[i : i + 1], articles[:i], k).ravel())
        else:
            near = {owner[j] for j in nearest(new.passage_vectors, passages[: first_passage[i]], k).ravel()}
        candidates = {story[j]: [feats[m] for m in members[story[j]]] for j in near}
        terms = {t for a in [new, *(m for ms in candidates.values() for m in ms)] for t in a.terms}
        groups = regroup_neighbourhood(new, candidates,
                                       df=DocumentFrequencies(n_docs=i + 1, df={t: df[t] for t in terms}))
        for key in candidates:
            del members[key]
        for group in groups:
            rows = sorted(row_of[a] for a in group)
            members[rows[0]] = rows
            story.update(dict.fromkeys(rows, rows[0]))
    return [story[i] for i in range(len(feats))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("file", type=Path)
    ap.add_argument("ways", nargs="*", default=["article:30", "passage:10"])
    args = ap.parse_args()
    os.environ["PARALLAX_DATA_DIR"] = str(args.data_dir)
    os.environ.pop("DATABASE_URL", None)

    from app.cluster.metrics import score
    from app.cluster.service import _load_features
    from app.db.base import session_scope
    from app.db.models import Article

    gold_of = {f"{args.file.name}:{i + 1}": r["event"] for i, r in enumerate(read_records(args.file))}
    with session_scope() as session:
        feats, _ = _load_features(session)
        source = dict(session.query(Article.id, Article.source_name).all())
    gold = [gold_of[source[f.id]] for f in feats]
    print(f"{args.file.name}: {len(feats)} articles")
    for way in args.ways:
        name, k = way.split(":")
        if name not in ("article", "passage"):
            sys.exit(f"unknown way {way!r}: article:K or passage:K")
        predicted = replay(feats, name, int(k))
        print(f"{way:12s} {score(gold, predicted)}  stories {len(set(predicted))}", flush=True)


if __name__ == "__main__":
    main()
