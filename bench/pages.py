"""Page latency and throughput under concurrent clients, beside a trivial endpoint of the same app.

    .venv/bin/python bench/pages.py [--articles 10000] [--seconds 30] [--clients 16] [--page-cache-mb 64]

Builds a synthetic corpus in a fresh embedded database (stories of 2-5 articles from different
outlets, 6 passages each with real sentences from the seed articles, events across the
articles of a story, a snapshot per sampled event), starts `parallax serve` on it, then for each
page kind (home, story, event, snapshot) first views each sampled URL once (the page is built)
and prints those latencies, then for each kind and for /healthz runs `--clients` concurrent clients
for `--seconds` seconds over the sample, and prints p50 / p99 latency and requests/s, and each
page's throughput as a share of the trivial endpoint's, all from one run; then the server's peak
RSS (it loads the model at start). `--page-cache-mb 0` measures every request building its page. Writes are not rate limited in the server it starts.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import cpu_seconds, peak_rss_mib  # noqa: E402
from bench.synthetic import DIM, drop_database, fresh_database, temporary_database  # noqa: E402


def store_synthetic_article(session, nrng: np.random.Generator, texts: list[str], *, outlet_id: int,
                            story_id: int, title: str, content_hash: str, features: dict | None = None) -> list[int]:
    """An article of these passage texts with random unit vectors (and its article vector), as
    ingest would store it, without the model. Returns its passage ids in order."""
    from sqlalchemy import insert

    from app.cluster.features import article_vector
    from app.db.models import Article, ArticleVector, Passage

    clean = "\n\n".join(texts)
    vectors = nrng.normal(size=(len(texts), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    article = Article(outlet_id=outlet_id, story_id=story_id, title=title, source_format="text", source_text=clean,
                      clean_text=clean, content_hash=content_hash, published=None, features=features)
    session.add(article)
    session.flush()
    session.add(ArticleVector(article_id=article.id, embedding=article_vector(vectors),
                              embedding_model="all-MiniLM-L6-v2"))
    offset, rows = 0, []
    for p, text in enumerate(texts):
        rows.append({"article_id": article.id, "position": p, "start": offset, "end": offset + len(text),
                     "text": text, "embedding": vectors[p], "embedding_model": "all-MiniLM-L6-v2"})
        offset += len(text) + 2
    return session.scalars(insert(Passage).returning(Passage.id, sort_by_parameter_order=True), rows).all()


def build_corpus(n_articles: int, seed: int = 3, *, with_features: bool = False) -> list[int]:
    """n_articles synthetic articles of seed sentences (random vectors) in stories of 2-5 with
    three events each; returns the event ids. `with_features`: store each article's clustering
    features as ingest does (spaCy once per distinct passage), so a later ingest compares with
    them instead of computing them."""
    from sqlalchemy import insert, select

    from app.db import base
    from app.db.models import Event, Outlet, PassageEvent, Story
    from app.db.vector_index import ensure_vector_index
    from app.pipeline import prepare_database
    from bench.synthetic import seed_sentences

    prepare_database()
    memo: dict[str, dict] = {}

    def features(texts: list[str]) -> dict:
        from app.cluster.features import FEATURES_VERSION, facts_of_many

        missing = [t for t in dict.fromkeys(["Article", *texts]) if t not in memo]
        if missing:
            [(_, facts)] = facts_of_many([(None, missing)])
            memo.update((t, f.to_json()) for t, f in zip(missing, facts, strict=True))
        return {"version": FEATURES_VERSION, "title": memo["Article"], "passages": [memo[t] for t in texts]}

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    sentences = seed_sentences()
    with base.session_scope() as session:
        outlets = [Outlet(name=f"Outlet {i}") for i in range(40)]
        session.add_all(outlets)
        session.flush()
        made = 0
        while made < n_articles:
            story = Story(title=f"Synthetic story {made}")
            session.add(story)
            session.flush()
            size = rng.randint(2, 5)
            events = [Event(story_id=story.id, label=f"Event {made}-{k}") for k in range(3)]
            session.add_all(events)
            session.flush()
            for _ in range(size):
                texts = [" ".join(rng.sample(sentences, 2)) for _ in range(6)]
                ids = store_synthetic_article(
                    session, nrng, texts, outlet_id=outlets[rng.randrange(40)].id, story_id=story.id,
                    title=f"Article {made}", content_hash=f"synthetic-{made}",
                    features=features(texts) if with_features else None)
                session.execute(insert(PassageEvent), [{"passage_id": ids[p], "event_id": events[p].id} for p in range(3)])
                made += 1
            if made % 1000 < 5:
                session.commit()
        session.commit()
        ensure_vector_index(session.connection(), "all-MiniLM-L6-v2", 384)  # else `serve` builds it at start
        session.commit()
        return list(session.scalars(select(Event.id).order_by(Event.id)))


@contextmanager
def synthetic_corpus_database(n_articles: int, prefix: str, keep: Path | None = None) -> Iterator[Path]:
    """A fresh embedded database holding build_corpus(n_articles, with_features=True): built for
    this run, or, with `keep`, built once into keep/corpus-N and copied for each run (owners
    kept: the embedded Postgres runs as its own user)."""
    if keep is None:
        with temporary_database(prefix) as data_dir:
            start = time.perf_counter()
            build_corpus(n_articles, with_features=True)
            print(f"corpus: {n_articles} synthetic articles built in {time.perf_counter() - start:.0f} s", flush=True)
            yield data_dir
        return
    template = keep / f"corpus-{n_articles}"
    if not (template / "built").exists():
        fresh_database(prefix, template)
        start = time.perf_counter()
        build_corpus(n_articles, with_features=True)
        drop_database(template, delete=False)
        (template / "built").write_text(f"built in {time.perf_counter() - start:.0f} s\n")
    work = Path(tempfile.mkdtemp(prefix=prefix))
    subprocess.run(["cp", "-a", str(template), str(work / "data")], check=True)
    print(f"corpus: {n_articles} synthetic articles, copied from {template}", flush=True)
    data_dir = fresh_database(prefix, work / "data")
    try:
        yield data_dir
    finally:
        drop_database(data_dir)
        shutil.rmtree(work, ignore_errors=True)


async def hammer(base_url: str, paths: list[str], seconds: float, clients: int) -> tuple[list[float], int]:
    """Each client keeps its connection and reads every body whole. aiohttp, not httpx: the load
    generator shares the machine's cores with the server, and httpx costs several times the
    server's own CPU per request."""
    import aiohttp

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(worker: int) -> None:
        nonlocal errors
        async with aiohttp.ClientSession(base_url, timeout=aiohttp.ClientTimeout(total=30)) as http:
            i = worker
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                async with http.get(paths[i % len(paths)], allow_redirects=False) as response:
                    await response.read()
                latencies.append(time.perf_counter() - start)
                errors += response.status >= 400
                i += clients

    await asyncio.gather(*(client(w) for w in range(clients)))
    return latencies, errors


def resolve(base_url: str, paths: list[str]) -> tuple[list[str], list[float]]:
    """Warm-up: request each path once, following redirects, so the sample hits final URLs.
    Returns the final paths and each first request's seconds (redirects included)."""
    import httpx

    final, seconds = [], []
    for path in paths:
        start = time.perf_counter()
        final.append(httpx.get(base_url + path, follow_redirects=True, timeout=60).url.raw_path.decode())
        seconds.append(time.perf_counter() - start)
    return final, seconds


def measure(base_url: str, paths: list[str], seconds: float, clients: int) -> tuple[float, float, float, int]:
    """(p50 ms, p99 ms, requests/s, errors) of `clients` concurrent clients over `paths`."""
    latencies, errors = asyncio.run(hammer(base_url, paths, seconds, clients))
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return statistics.median(latencies) * 1000, p99 * 1000, len(latencies) / seconds, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--page-cache-mb", type=int, default=64, help="PARALLAX_PAGE_CACHE_MB of the server (0: off)")
    args = ap.parse_args()
    with temporary_database("parallax-pages-") as data_dir:
        run(args, data_dir)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    start = time.perf_counter()
    event_ids = build_corpus(args.articles)
    print(f"corpus: {args.articles} articles, {len(event_ids)} events, built in {time.perf_counter() - start:.0f} s")

    import httpx

    from app.db import base
    from app.db.models import Event
    from tests.helpers import cli_env, server_process

    base.get_engine().dispose()
    sample = random.Random(1).sample(event_ids, min(200, len(event_ids)))
    with base.session_scope() as session:
        story_ids = sorted({session.get(Event, e).story_id for e in sample})
    env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0",
                  PARALLAX_PAGE_CACHE_MB=str(args.page_cache_mb))
    with server_process(env) as (url, proc):
        snapshots = []
        for event_id in sample[:50]:
            r = httpx.post(f"{url}/api/snapshots", json={"kind": "event", "id": event_id}, timeout=60)
            if r.status_code < 300:
                snapshots.append(f"/c/{r.json()['id']}")
        kinds = {
            "trivial /healthz": ["/healthz"],
            "home": ["/", "/?page=2", "/?page=3"],
            "story": [f"/stories/{s}" for s in story_ids],
            "event": [f"/events/{e}" for e in sample],
            "snapshot": snapshots or ["/healthz"],
        }
        results = {}
        for kind, paths in kinds.items():
            final, first = resolve(url, paths)
            cpu_before = cpu_seconds(proc.pid)
            p50, p99, rate, errors = measure(url, final, args.seconds, args.clients)
            server_ms = (cpu_seconds(proc.pid) - cpu_before) / (rate * args.seconds) * 1000
            results[kind] = rate
            print(f"{kind:18s} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   "
                  f"{rate:7.1f} req/s   errors {errors}   share of trivial {rate / results['trivial /healthz']:.0%}   "
                  f"server CPU {server_ms:.2f} ms/req   first view (page built) p50 "
                  f"{statistics.median(first) * 1000:.0f} ms, max {max(first) * 1000:.0f} ms", flush=True)
        print(f"server peak RSS {peak_rss_mib(proc.pid):.0f} MiB (model loaded)")


if __name__ == "__main__":
    main()
