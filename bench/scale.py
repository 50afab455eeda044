"""Scale: a generated corpus of 1k / 10k / 100k articles loads, reclusters and serves.

    .venv/bin/python bench/scale.py [--articles 1000,10000,100000] [--passages-per-article 15]
                                    [--seconds 20] [--clients 16] [--keep DIR [--load-only]]

For each size a fresh embedded database is bulk-loaded (binary COPY) with synthetic articles:
about four a story, each passage a noisy copy of its story's direction (bench/synthetic.py), two
real seed sentences as its text, and stored clustering features naming the story's entities,
the passages at one position of a story's articles sharing a term (so events form). Embedding
and spaCy are excluded throughout. Then, each timed: the app's HNSW indexes are built; a full
`parallax recluster` (a process of its own); twenty more articles ingested one at a time
*excluding the model* (the first five also reported apart: they follow the recluster), each
stored with its precomputed vectors and features, then `assign_article` (nearest articles by
HNSW, story choice, that story's events) and the commit; the database and its largest
relations are measured;
`parallax serve` is started, each sampled page is requested once (uncached: the app caches
pages per corpus generation, and a story page's first render runs its framing analysis), then
`--clients` concurrent clients request home pages, then story pages, for `--seconds` seconds
each. Prints each phase as it finishes, then how each cost grew from one size to the next,
beside the targets (pages p99 <= 100 ms, ingest <= 1 s, recluster <= 10 min).
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import measure, resolve  # noqa: E402
from bench.procstat import peak_rss_mib  # noqa: E402
from bench.synthetic import DIM, drop_database, fresh_database, seed_sentences, synthetic_corpus  # noqa: E402

MODEL = "synthetic-384"
OUTLETS = 40
EXTRA = 20  # articles ingested one at a time after the recluster
FIRST = 5  # of which the first, right after the recluster, are also reported apart
STORY_SAMPLE = 100  # story pages requested (the first request of each renders it; the rest hit the page cache)
CHUNK = 2000  # articles per COPY batch
HNSW_MEMORY = "8GB"  # maintenance_work_mem for the index build: the graph must fit, or the build crawls
TARGETS = {"recluster_s": 600.0, "ingest_ms": 1000.0, "home_p99_ms": 100.0, "story_p99_ms": 100.0}
LOAD_RECORD = "bench-scale-load.json"  # with --keep: what loading the kept corpus took
GROWTH = ("load_s", "hnsw_s", "recluster_s", "ingest_ms", "home_p99_ms", "story_p99_ms", "db_mb")


# -- corpus -----------------------------------------------------------------------------------

def features_json(story: int, names: list[str], breaks: list[int]) -> dict:
    """Stored features as ingest computes them: the story's names everywhere, and passage p of
    every article of the story sharing a term of its own (what makes an event); `breaks`: where
    each passage's second sentence starts."""
    from app.cluster.features import FEATURES_VERSION, PassageFacts

    passages = [PassageFacts(names=list(names), sentences=[[f"@{n}" for n in names] + [f"event{story}p{p}"]],
                             breaks=[b]) for p, b in enumerate(breaks)]
    return {"version": FEATURES_VERSION, "title": PassageFacts(names=names[:2]).to_json(),
            "passages": [p.to_json() for p in passages]}


def synthetic_articles(n_articles: int, per_article: int, seed: int = 11):
    """Yields (article values, passage texts, passage vectors) for the article ids 1..n."""
    rng = np.random.default_rng(seed)
    sentences = seed_sentences()
    day0 = dt.date(2026, 1, 1)
    for i, (story, vectors, names) in enumerate(synthetic_corpus(n_articles, per_article, rng), start=1):
        picks = rng.integers(len(sentences), size=(per_article, 2))
        texts = [f"{sentences[a]} {sentences[b]}" for a, b in picks]
        clean = "\n\n".join(texts)
        article = {"id": i, "outlet_id": 1 + i % OUTLETS, "title": f"{names[0].title()}: {sentences[picks[0, 0]][:70]}",
                   "published": day0 + dt.timedelta(days=story % 365), "source_format": "text", "source_text": clean,
                   "clean_text": clean, "content_hash": f"synthetic-{i}",
                   "features": features_json(story, names, [len(sentences[a]) + 1 for a, _ in picks])}
        yield article, texts, vectors


def passage_rows(article_id: int, first_id: int, texts: list[str], vectors: np.ndarray):
    offset = 0
    for p, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
        yield first_id + p, article_id, p, offset, offset + len(text), text, vector, MODEL
        offset += len(text) + 2


ARTICLE_COLUMNS = ("id", "outlet_id", "title", "published", "source_format", "source_text", "clean_text",
                   "content_hash", "features")
ARTICLE_TYPES = ("int4", "int4", "text", "date", "varchar", "text", "text", "varchar", "jsonb")
PASSAGE_COLUMNS = ("id", "article_id", "position", "start", '"end"', "text", "embedding", "embedding_model")
PASSAGE_TYPES = ("int4", "int4", "int4", "int4", "int4", "text", "vector", "varchar")


def raw_connection():
    """A psycopg connection of its own, with pgvector's binary adapters (kept off the app's pool)."""
    import psycopg
    from pgvector.psycopg import register_vector

    from app.db import base

    conn = psycopg.connect(base.get_engine().url.set(drivername="postgresql").render_as_string(hide_password=False))
    register_vector(conn)
    return conn


def copy_rows(cur, table: str, columns, types, rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def load_corpus(articles) -> None:
    """Binary COPY, CHUNK articles and their passages at a time, then the id sequences and ANALYZE."""
    from psycopg.types.json import Jsonb

    from app.cluster.features import article_vector

    with raw_connection() as conn, conn.cursor() as cur:
        copy_rows(cur, "outlets", ("id", "name"), ("int4", "varchar"),
                  ((k, f"Outlet {k}") for k in range(1, OUTLETS + 1)))
        next_passage = 1
        while batch := list(itertools.islice(articles, CHUNK)):
            copy_rows(cur, "articles", ARTICLE_COLUMNS, ARTICLE_TYPES,
                      ([a[c] for c in ARTICLE_COLUMNS[:-1]] + [Jsonb(a["features"])] for a, _, _ in batch))
            copy_rows(cur, "article_vectors", ("article_id", "embedding", "embedding_model"),
                      ("int4", "vector", "varchar"), ((a["id"], article_vector(v), MODEL) for a, _, v in batch))
            rows = []
            for a, texts, vectors in batch:
                rows.extend(passage_rows(a["id"], next_passage, texts, vectors))
                next_passage += len(texts)
            copy_rows(cur, "passages", PASSAGE_COLUMNS, PASSAGE_TYPES, rows)
            conn.commit()
        for table in ("outlets", "articles", "passages"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")


# -- measurements -----------------------------------------------------------------------------

def build_index() -> None:
    from sqlalchemy import text

    from app.db import base
    from app.db.vector_index import ensure_vector_index

    with base.get_engine().begin() as conn:
        conn.execute(text(f"SET LOCAL maintenance_work_mem = '{HNSW_MEMORY}'"))
        ensure_vector_index(conn, MODEL, DIM)


def run_recluster(data_dir: Path) -> tuple[str, float]:
    """`parallax recluster` as it runs in use: a process of its own, which exits. Run inside
    this process its memory (about 10 GB at 100k articles) stayed, and squeezed out of the page
    cache the indexes that the ingests measured next read. Returns its summary line and the
    peak resident memory (MiB) of the largest child process so far (sizes run small to large)."""
    import resource

    from tests.helpers import cli_env, run_cli

    result = run_cli("recluster", env=cli_env(data_dir), timeout=24 * 3600)
    if result.returncode:
        sys.exit(f"recluster failed:\n{result.stderr}")
    return result.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def ingest_one(article: dict, texts: list[str], vectors: np.ndarray) -> float:
    """Seconds to store one article with its precomputed vectors and features, assign it and commit."""
    from sqlalchemy import insert

    from app.cluster.service import assign_article
    from app.db import base
    from app.db.models import Article, Passage

    values = {k: v for k, v in article.items() if k != "id"}
    with base.session_scope() as session:
        start = time.perf_counter()
        stored = Article(**values)
        session.add(stored)
        session.flush()
        session.execute(insert(Passage), [
            {"article_id": stored.id, "position": p, "start": s, "end": e, "text": t, "embedding": v,
             "embedding_model": MODEL} for _, _, p, s, e, t, v, _ in passage_rows(stored.id, 0, texts, vectors)
        ])
        session.expire(stored)
        assign_article(session, stored)
        session.commit()
        return time.perf_counter() - start


def story_sample(n: int = STORY_SAMPLE) -> list[int]:
    from sqlalchemy import select

    from app.db import base
    from app.db.models import Story

    with base.session_scope() as session:
        ids = list(session.scalars(select(Story.id).order_by(Story.id)))
    return sorted(random.Random(1).sample(ids, min(n, len(ids))))


def serve_pages(data_dir: Path, seconds: float, clients: int) -> dict[str, float]:
    from app.db import base
    from tests.helpers import cli_env, server_process

    stories = story_sample()
    base.get_engine().dispose()
    out: dict[str, float] = {}
    env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0")
    with server_process(env) as (url, proc):
        kinds = {"home": ["/", "/?page=2", "/?page=3"], "story": [f"/stories/{s}" for s in stories]}
        for kind, paths in kinds.items():
            paths, cold = resolve(url, paths)
            p50, p99, rate, errors = measure(url, paths, seconds, clients)
            out |= {f"{kind}_p50_ms": p50, f"{kind}_p99_ms": p99, f"{kind}_rps": rate, f"{kind}_errors": errors,
                    f"{kind}_cold_p50_ms": statistics.median(cold) * 1000, f"{kind}_cold_max_ms": max(cold) * 1000}
        out["server_rss_mib"] = peak_rss_mib(proc.pid)
    return out


def database_sizes() -> tuple[float, list[tuple[str, float]]]:
    """(database MB, [(relation, MB)] of the largest tables (heap + TOAST) and indexes)."""
    from sqlalchemy import text

    from app.db import base

    with base.get_engine().connect() as conn:
        total = conn.scalar(text("SELECT pg_database_size(current_database())")) / 1e6
        rows = conn.execute(text(
            "SELECT c.relname, CASE c.relkind WHEN 'r' THEN pg_table_size(c.oid) ELSE pg_relation_size(c.oid) END "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') ORDER BY 2 DESC LIMIT 8")).all()
    return total, [(name, size / 1e6) for name, size in rows]


def timed(label: str, fn, *args, note: str = ""):
    """Run fn, print how long it took as soon as it is done (a 100k run takes a while)."""
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    print(f"{label:26s}{seconds:8.1f} s   {note}".rstrip(), flush=True)
    return seconds, result


def reuse_corpus(data_dir: Path, n_articles: int, corpus) -> dict[str, float] | None:
    """With --keep: the load and index figures of the run that loaded this dir's corpus, after
    removing the articles earlier runs ingested one at a time; None when it holds no corpus yet."""
    from sqlalchemy import text

    from app.db import base

    record = data_dir / LOAD_RECORD
    if not record.exists():
        return None
    loaded = json.loads(record.read_text())
    if loaded["articles"] != n_articles:
        sys.exit(f"{data_dir} holds a corpus of {loaded['articles']} articles, not {n_articles}")
    with base.get_engine().begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id > :n"), {"n": n_articles})
    for _ in itertools.islice(corpus, n_articles):  # the extra articles come after the corpus
        pass
    print(f"load and HNSW index: reused from {data_dir} ({loaded['load_s']:.1f} s and {loaded['hnsw_s']:.1f} s "
          "when it was loaded)", flush=True)
    return loaded


def run_size(n_articles: int, per_article: int, seconds: float, clients: int, *, keep: Path | None = None,
             load_only: bool = False) -> dict[str, float]:
    data_dir = fresh_database(f"parallax-scale-articles-{n_articles}-", keep)
    print(f"== {n_articles} articles, {n_articles * per_article} passages ==", flush=True)
    try:
        from app.pipeline import prepare_database

        timed("migrate", prepare_database, note="(and, on a kept corpus from before articles had vectors, fill them in)")
        corpus = synthetic_articles(n_articles + EXTRA, per_article)
        r: dict[str, float] = {"articles": n_articles, "passages": n_articles * per_article}
        if keep is not None and (loaded := reuse_corpus(data_dir, n_articles, corpus)):
            r |= loaded
            timed("HNSW indexes not kept", build_index, note="(only those missing from the kept corpus are built)")
        else:
            r["load_s"], _ = timed("load (binary COPY)", load_corpus, itertools.islice(corpus, n_articles))
            r["hnsw_s"], _ = timed("HNSW index builds", build_index)
            if keep is not None:
                (data_dir / LOAD_RECORD).write_text(json.dumps(r))
        if load_only:
            return r
        r["recluster_s"], (summary, r["recluster_rss_mib"]) = timed(
            "full recluster", run_recluster, data_dir, note=f"{target('recluster_s')}   (`parallax recluster`)")
        print(f"{'':26s}{summary}; peak RSS {r['recluster_rss_mib']:.0f} MiB", flush=True)
        costs = [ingest_one(*item) for item in corpus]
        r["ingest_ms"], r["ingest_max_ms"] = statistics.median(costs) * 1000, max(costs) * 1000
        r["ingest_first_ms"] = statistics.median(costs[:FIRST]) * 1000
        r["ingest_rest_ms"] = statistics.median(costs[FIRST:]) * 1000
        print(f"ingest one article        {r['ingest_ms']:8.0f} ms median, {r['ingest_max_ms']:.0f} ms max of {EXTRA}   "
              f"{target('ingest_ms')}   (stored vectors+features, assign_article, commit; no model)\n"
              f"{'':26s}the first {FIRST} after the recluster {r['ingest_first_ms']:.0f} ms median, the next "
              f"{EXTRA - FIRST} {r['ingest_rest_ms']:.0f} ms median", flush=True)
        r["db_mb"], relations = database_sizes()
        print(f"database                  {r['db_mb']:8.0f} MB: " + ", ".join(f"{n} {mb:.0f}" for n, mb in relations),
              flush=True)
        r |= serve_pages(data_dir, seconds, clients)
        report_pages(r)
        return r
    finally:
        drop_database(data_dir, delete=keep is None)


# -- output -----------------------------------------------------------------------------------

def target(key: str) -> str:
    return f"(target <= {TARGETS[key]:.0f})" if key in TARGETS else ""


def report_pages(r: dict[str, float]) -> None:
    for kind in ("home", "story"):
        print(f"{kind + ' page':25s} p50 {r[f'{kind}_p50_ms']:6.1f} ms   p99 {r[f'{kind}_p99_ms']:6.1f} ms   "
              f"{target(f'{kind}_p99_ms')}   {r[f'{kind}_rps']:.0f} req/s, {int(r[f'{kind}_errors'])} errors; "
              f"first request (uncached, one client) p50 {r[f'{kind}_cold_p50_ms']:.0f} ms, "
              f"max {r[f'{kind}_cold_max_ms']:.0f} ms")
    print(f"server peak RSS           {r['server_rss_mib']:8.0f} MiB", flush=True)


def growth(rows: list[dict[str, float]]) -> None:
    print(f"\n{'articles':>8} {'load s':>7} {'hnsw s':>7} {'recluster s':>11} {'ingest ms':>9} "
          f"{'home p99':>8} {'story p99':>9} {'db MB':>7}")
    for r in rows:
        print(f"{int(r['articles']):>8} {r['load_s']:>7.1f} {r['hnsw_s']:>7.1f} {r['recluster_s']:>11.1f} "
              f"{r['ingest_ms']:>9.0f} {r['home_p99_ms']:>8.1f} {r['story_p99_ms']:>9.1f} {r['db_mb']:>7.0f}")
    print(f"{'target':>8} {'':>7} {'':>7} {'<= 600':>11} {'<= 1000':>9} {'<= 100':>8} {'<= 100':>9}")
    for a, b in zip(rows, rows[1:], strict=False):
        ratios = ", ".join(f"{k} x{b[k] / a[k]:.1f}" for k in GROWTH if a[k] > 0)
        print(f"{int(a['articles'])} -> {int(b['articles'])} articles (x{b['articles'] / a['articles']:.0f}): {ratios}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", default="1000,10000,100000")
    ap.add_argument("--passages-per-article", type=int, default=15)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--keep", type=Path, help="keep each size's database in DIR/SIZE and reuse its corpus next time")
    ap.add_argument("--load-only", action="store_true", help="with --keep: load and index, then stop")
    args = ap.parse_args()
    if args.load_only and not args.keep:
        ap.error("--load-only needs --keep")
    rows = [run_size(int(n), args.passages_per_article, args.seconds, args.clients,
                     keep=args.keep / n if args.keep else None, load_only=args.load_only)
            for n in args.articles.split(",")]
    if not args.load_only:
        growth(rows)


if __name__ == "__main__":
    main()
