"""How story/event clustering cost grows with the corpus, on synthetic vectors.

    .venv/bin/python bench/cluster_scale.py [--sizes 1000,10000,100000] [--passages-per-article 10]

For each size (in passages) a fresh embedded database is filled with synthetic stories: each
story has a random direction, its articles' passages are noisy copies of it, and each story has
its own entity names. Embedding and spaCy are excluded (features are stored ready-made, as
ingest stores them). Prints, per size: load time, HNSW index build, a full `recluster`, and the
median cost of assigning one more article (`assign_article`: HNSW neighbours, the neighbourhood's
stories clustered again with it, events regrouped where members changed), then how each grew
from the previous size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import DIM, fresh_database, synthetic_corpus  # noqa: E402


def run_size(n_passages: int, per_article: int, seed: int = 7) -> dict[str, float]:
    fresh_database(f"parallax-scale-{n_passages}-")
    from sqlalchemy import insert, text

    from app.cluster.features import ArticleFeatures, PassageFacts, article_vector
    from app.cluster.service import assign_article, recluster
    from app.db import base
    from app.db.models import Article, ArticleVector, Passage
    from app.db.vector_index import ensure_vector_index
    from app.pipeline import prepare_database

    model = "synthetic-384"
    prepare_database()
    rng = np.random.default_rng(seed)
    corpus = list(synthetic_corpus(max(1, n_passages // per_article) + 5, per_article, rng))
    extra, corpus = corpus[-5:], corpus[:-5]
    timings: dict[str, float] = {}

    def features_json(vectors, names) -> dict:
        facts = [PassageFacts(names=list(names)) for _ in range(len(vectors))]
        return ArticleFeatures(id=0, title=None, published=None, outlet=None, passage_ids=list(range(len(vectors))),
                               passage_texts=["x"] * len(vectors), passage_vectors=vectors, passages=facts,
                               title_facts=PassageFacts()).to_json()

    def add_article(session, i, vectors, names, *, with_vector: bool = True) -> Article:
        article = Article(source_format="text", source_text="synthetic", clean_text=f"synthetic article {i}",
                          content_hash=f"{n_passages}-{i}", features=features_json(vectors, names))
        session.add(article)
        session.flush()
        if with_vector:  # as ingest leaves it (an extra article gets its own from assign_article)
            session.add(ArticleVector(article_id=article.id, embedding=article_vector(vectors), embedding_model=model))
        session.execute(insert(Passage), [
            {"article_id": article.id, "position": p, "start": 0, "end": 1, "text": f"passage {p} of {i}",
             "embedding": v, "embedding_model": model} for p, v in enumerate(vectors)
        ])
        return article

    start = time.perf_counter()
    with base.session_scope() as session:
        for i, (_story, vectors, names) in enumerate(corpus):
            add_article(session, i, vectors, names)
        session.commit()
    timings["load_s"] = time.perf_counter() - start

    start = time.perf_counter()
    with base.get_engine().begin() as conn:
        ensure_vector_index(conn, model, DIM)
    timings["hnsw_index_s"] = time.perf_counter() - start

    start = time.perf_counter()
    with base.session_scope() as session:
        summary = recluster(session)
        session.commit()
    timings["recluster_s"] = time.perf_counter() - start
    timings["stories"] = summary.stories
    timings["events"] = summary.events

    costs = []
    for j, (_story, vectors, names) in enumerate(extra):
        with base.session_scope() as session:
            article = add_article(session, len(corpus) + j, vectors, names, with_vector=False)
            session.expire(article)
            t = time.perf_counter()
            assign_article(session, article)
            costs.append(time.perf_counter() - t)
            session.commit()
    timings["assign_one_ms"] = statistics.median(costs) * 1000
    with base.get_engine().connect() as conn:
        timings["db_mb"] = conn.scalar(text("SELECT pg_database_size(current_database())")) / 1e6
    base.get_engine().dispose()
    return timings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--passages-per-article", type=int, default=10)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print(f"{'passages':>9} {'articles':>8} {'load s':>7} {'hnsw s':>7} {'recluster s':>11} "
          f"{'assign 1 ms':>11} {'stories':>7} {'events':>7} {'db MB':>7}")
    for size in sizes:
        t = run_size(size, args.passages_per_article)
        rows.append((size, t))
        print(f"{size:>9} {size // args.passages_per_article:>8} {t['load_s']:>7.1f} {t['hnsw_index_s']:>7.1f} "
              f"{t['recluster_s']:>11.1f} {t['assign_one_ms']:>11.0f} {int(t['stories']):>7} {int(t['events']):>7} "
              f"{t['db_mb']:>7.0f}", flush=True)
    for (a, ta), (b, tb) in zip(rows, rows[1:], strict=False):
        print(f"{a} -> {b} passages ({b / a:.0f}x): recluster x{tb['recluster_s'] / ta['recluster_s']:.1f}, "
              f"assign one article x{tb['assign_one_ms'] / ta['assign_one_ms']:.1f}")


if __name__ == "__main__":
    main()
