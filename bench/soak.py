"""Load and soak: many readers and a few writers against one server for minutes, watching for
errors, lost or doubled articles, latency and memory that keeps growing.

    .venv/bin/python bench/soak.py [--minutes 10] [--readers 32] [--writers 4] [--articles 2000]

A synthetic corpus (bench/pages.py's) in a fresh embedded database, then `parallax serve` on it
with write limits off. Readers loop over home, story, event, snapshot, search and API pages;
writers alternate an upload (a new article made of seed sentences with a code of its own, so no
two are alike) and a snapshot of a random event. Each minute prints the readers' p50 / p99,
requests, 5xx, writes accepted, and the server's resident memory, which must level off: the page
and framing caches are bounded by bytes. At the end, once the server's jobs are done, every
accepted upload must be stored exactly once (its code found in one article); uploads still queued
when --drain-minutes runs out are counted apart (the queue keeps them; a worker finishes them).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import build_corpus  # noqa: E402
from bench.procstat import peak_rss_mib, rss_mib  # noqa: E402
from bench.synthetic import seed_sentences, temporary_database  # noqa: E402


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.requests = 0
        self.server_errors = 0
        self.writes = 0
        self.write_errors = 0
        self.codes: list[str] = []  # codes of uploads the server accepted
        self.jobs: list[str] = []

    def minute(self) -> tuple[float, float, int]:
        lat, self.latencies = sorted(self.latencies), []
        if not lat:
            return float("nan"), float("nan"), 0
        return statistics.median(lat) * 1000, lat[max(0, int(len(lat) * 0.99) - 1)] * 1000, len(lat)


async def reader(http, paths: list[str], tally: Tally, stop: float, rng: random.Random) -> None:
    while time.perf_counter() < stop:
        start = time.perf_counter()
        async with http.get(rng.choice(paths), allow_redirects=True) as response:
            await response.read()
        tally.latencies.append(time.perf_counter() - start)
        tally.requests += 1
        tally.server_errors += response.status >= 500


async def writer(http, events: list[int], tally: Tally, stop: float, rng: random.Random, n: int) -> None:
    sentences = seed_sentences()
    k = 0
    while time.perf_counter() < stop:
        k += 1
        if k % 2:
            code = f"SOAK{n}X{k}X{rng.randrange(10**9)}"
            text = " ".join(rng.sample(sentences, 6)) + f" The reference code of this report is {code}."
            async with http.post("/api/articles", json={"text": text, "outlet": f"Soak outlet {n}"}) as r:
                body = await r.json(content_type=None)
            if r.status == 202:
                tally.codes.append(code)
                tally.jobs.append(body["url"])
        else:
            async with http.post("/api/snapshots", json={"kind": "event", "id": rng.choice(events)}) as r:
                await r.read()
        tally.writes += 1
        tally.write_errors += r.status >= 500
        await asyncio.sleep(rng.uniform(0.5, 1.5))


async def soak(base: str, pid: int, paths: list[str], events: list[int], args) -> Tally:
    import aiohttp

    tally = Tally()
    stop = time.perf_counter() + args.minutes * 60
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(base, timeout=timeout) as http:
        tasks = [asyncio.create_task(reader(http, paths, tally, stop, random.Random(i)))
                 for i in range(args.readers)]
        tasks += [asyncio.create_task(writer(http, events, tally, stop, random.Random(100 + i), i))
                  for i in range(args.writers)]
        print(f"{'minute':>6s} {'p50 ms':>8s} {'p99 ms':>8s} {'reads':>7s} {'5xx':>5s} {'writes':>7s} "
              f"{'queued':>7s} {'RSS MiB':>8s}")
        for minute in range(1, args.minutes + 1):
            await asyncio.sleep(max(0.0, stop - args.minutes * 60 + minute * 60 - time.perf_counter()))
            p50, p99, n = tally.minute()
            print(f"{minute:6d} {p50:8.0f} {p99:8.0f} {n:7d} {tally.server_errors:5d} {tally.writes:7d} "
                  f"{queued():7d} {rss_mib(pid):8.0f}", flush=True)
        await asyncio.gather(*tasks)
    # The uploads still queued are worked off with no load beside them, while the queue moves.
    drain_end = time.perf_counter() + args.drain_minutes * 60
    while (left := queued()) and time.perf_counter() < drain_end:
        await asyncio.sleep(30)
        print(f"draining: {left} jobs queued or running", flush=True)
    return tally


def queued() -> int:
    from sqlalchemy import text

    from app.db import base

    with base.session_scope() as session:
        return session.scalar(text("select count(*) from jobs where status in ('queued', 'running')"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=int, default=10)
    ap.add_argument("--readers", type=int, default=32)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--drain-minutes", type=int, default=30, help="most time to wait for queued uploads after")
    args = ap.parse_args()
    with temporary_database("parallax-soak-") as data_dir:
        run(args, data_dir)


def run(args, data_dir: Path) -> None:
    from sqlalchemy import func, select

    from app.db import base
    from app.db.models import Article, Event
    from tests.helpers import cli_env, server_process

    events = build_corpus(args.articles)
    base.get_engine().dispose()
    rng = random.Random(1)
    sample = rng.sample(events, min(200, len(events)))
    with base.session_scope() as session:
        stories = sorted({session.get(Event, e).story_id for e in sample})
    paths = (["/", "/?page=2", "/search?q=ceasefire", "/api/stories", "/outlets"]
             + [f"/stories/{s}" for s in stories] + [f"/events/{e}" for e in sample]
             + [f"/api/events/{e}" for e in sample[:50]])
    env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0")
    with server_process(env) as (url, proc):
        start = time.perf_counter()
        tally = asyncio.run(soak(url, proc.pid, paths, sample, args))
        seconds = time.perf_counter() - start
        peak = peak_rss_mib(proc.pid)
    with base.session_scope() as session:
        found = {code: session.scalar(select(func.count()).select_from(Article)
                                      .where(Article.clean_text.contains(code))) for code in tally.codes}
    waiting = queued()
    missing = [c for c, n in found.items() if n == 0]
    doubled = [c for c, n in found.items() if n > 1]
    print(f"{args.readers} readers, {args.writers} writers, {seconds / 60:.1f} min: {tally.requests} reads, "
          f"{tally.server_errors} 5xx on reads, {tally.writes} writes ({tally.write_errors} 5xx), "
          f"{len(tally.codes)} uploads accepted: {len(tally.codes) - len(missing)} stored once, {len(doubled)} doubled, "
          f"{len(missing)} not stored ({waiting} jobs still queued: not stored yet, not lost); "
          f"server peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
