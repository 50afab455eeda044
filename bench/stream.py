"""Pages while news streams in: readers of home, story and event pages while a worker commits new
articles at a steady rate, and the first view of a story page right after its own change.

    .venv/bin/python bench/stream.py [--articles 10000] [--minutes 3] [--clients 16] [--rate 1]
        [--stories ../shared/datasets/basil-dev.jsonl] [--stream ../shared/datasets/allsides-dev.jsonl]
        [--keep DIR]

`--keep DIR` builds the synthetic corpus once into DIR and runs each time on a copy of it.

A synthetic corpus (bench/pages.py's, with stored clustering features) in a fresh embedded database;
`parallax serve` (no inline worker) and one `parallax worker` on it, both with the real model.
Then the real stories: the `--changed` events of `--stories` whose articles split into about 60
passages, all but each event's last article uploaded through `POST /api/articles` (so they are
grouped and framed as any upload is).

Two phases of `--clients` readers, each cycling through home pages, story pages and event pages
(200 sampled synthetic ones, and the real stories and their events): first `--quiet` seconds with
no writes, then `--minutes` while articles of `--stream` are uploaded at `--rate` a second. During
the second phase, at even intervals, each real story's held-back article is uploaded instead;
once its job is done the story page is fetched at once (the story page's first view after its own
change). Uploads are sent on schedule from a pool of senders, whatever their answers take. Prints per page kind p50 / p99 of both phases (the ratio is what a steady flow costs),
the first views, how many uploads the worker finished, and the CPU of server and worker.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import read_records  # noqa: E402
from bench.pages import synthetic_corpus_database  # noqa: E402
from bench.procstat import cpu_seconds  # noqa: E402
from bench.upload_latency import submit, wait_done  # noqa: E402

ADMIN = "stream-bench-token"
TARGET_PASSAGES = 60


def upload_body(article: dict) -> dict:
    body = {"text": article["text"], "title": article.get("title"), "outlet": article.get("outlet")}
    if article.get("published"):
        body["published"] = article["published"][:10]
    return body


def stories_of_about_60_passages(rows: list[dict], count: int) -> list[list[dict]]:
    """The `count` events (of three or more articles) whose passages come closest to 60."""
    from app.ingest.passages import split_passages

    by_event: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_event[row["event"]].append(row)
    sized = [(abs(sum(len(split_passages(a["text"])) for a in arts) - TARGET_PASSAGES), key)
             for key, arts in by_event.items() if len(arts) >= 3]
    return [by_event[key] for _, key in sorted(sized)[:count]]


def upload(http, article: dict) -> dict:
    return submit(http, upload_body(article))


class Readers:
    """`clients` readers, each asking for a home, a story and an event page in turn (each kind's
    pages in a cycle); latencies kept per kind, answers of 400 and over counted per kind and status."""

    def __init__(self, base_url: str, paths: list[tuple[str, str]], clients: int) -> None:
        self.base_url, self.clients = base_url, clients
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, path in paths:
            self.by_kind[kind].append(path)
        self.kinds = sorted(self.by_kind)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[tuple[str, int], int] = defaultdict(int)

    async def run(self, seconds: float) -> None:
        import aiohttp

        deadline = time.perf_counter() + seconds

        async def client(worker: int) -> None:
            async with aiohttp.ClientSession(self.base_url, timeout=aiohttp.ClientTimeout(total=60)) as http:
                i = worker * 7
                while time.perf_counter() < deadline:
                    kind = self.kinds[i % len(self.kinds)]
                    path = self.by_kind[kind][(i // len(self.kinds)) % len(self.by_kind[kind])]
                    start = time.perf_counter()
                    async with http.get(path, allow_redirects=False) as response:
                        await response.read()
                    self.latencies[kind].append(time.perf_counter() - start)
                    if response.status >= 400:
                        self.errors[kind, response.status] += 1
                    i += 1

        await asyncio.gather(*(client(w) for w in range(self.clients)))


def summary(latencies: list[float]) -> tuple[float, float, int]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000, len(ordered)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--minutes", type=float, default=3)
    ap.add_argument("--quiet", type=float, default=30, help="seconds of reading with no writes first")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--rate", type=float, default=1.0, help="uploads a second during the stream")
    ap.add_argument("--changed", type=int, default=5, help="real stories changed during the stream")
    ap.add_argument("--stories", type=Path, default=ROOT.parent / "shared/datasets/basil-dev.jsonl")
    ap.add_argument("--stream", type=Path, default=ROOT.parent / "shared/datasets/allsides-dev.jsonl")
    ap.add_argument("--keep", type=Path, help="build the corpus once into DIR; run on a copy of it")
    args = ap.parse_args()
    with synthetic_corpus_database(args.articles, "parallax-stream-", args.keep) as data_dir:
        run(args, data_dir)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    import httpx
    from sqlalchemy import select

    from app.db import base
    from app.db.models import Event
    from tests.helpers import cli_env, server_process

    with base.session_scope() as session:
        event_ids = list(session.scalars(select(Event.id).order_by(Event.id)))
        sample = random.Random(1).sample(event_ids, min(200, len(event_ids)))
        story_ids = sorted({session.get(Event, e).story_id for e in sample})
    base.get_engine().dispose()
    real = stories_of_about_60_passages(read_records(args.stories), args.changed)
    stream = read_records(args.stream)
    random.Random(2).shuffle(stream)

    env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0", PARALLAX_ADMIN_TOKEN=ADMIN,
                  PARALLAX_INLINE_WORKER="off", PARALLAX_POLL_SOURCES="false")
    worker_log = open(data_dir / "worker.log", "w")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen([str(ROOT / ".venv/bin/parallax"), "worker"], env=env, cwd=ROOT,
                              stdout=worker_log, stderr=subprocess.STDOUT)
    try:
        with server_process(env) as (url, server), \
                httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {ADMIN}"}) as http:
            real_paths, held_back = [], []
            for arts in real:  # all but the last article of each real story, as earlier uploads
                jobs = [wait_done(http, upload(http, a)) for a in arts[:-1]]
                story = next(j["article"]["story"]["id"] for j in jobs if j["status"] == "done")
                overview = http.get(f"/api/stories/{story}").json()
                real_paths.append(("story", f"/stories/{story}"))
                real_paths += [("event", f"/events/{e['event']['id']}") for e in overview.get("events", [])[:3]]
                held_back.append((story, arts[-1]))
            paths = [("home", p) for p in ("/", "/?page=2", "/?page=3")]
            paths += [("story", f"/stories/{s}") for s in story_ids] + [("event", f"/events/{e}") for e in sample]
            paths += real_paths
            random.Random(3).shuffle(paths)
            paths = [(kind, httpx.get(url + p, follow_redirects=True, timeout=120).url.raw_path.decode())
                     for kind, p in paths]  # warm-up: every page built once, redirects resolved
            print(f"{len(held_back)} real stories of about {TARGET_PASSAGES} passages; "
                  f"{len(paths)} pages read by {args.clients} clients", flush=True)

            quiet = Readers(url, paths, args.clients)
            asyncio.run(quiet.run(args.quiet))

            seconds = args.minutes * 60
            first_views: list[tuple[float, str, int]] = []
            done = {"uploads": 0, "failed": 0, "sent": 0}
            stop = threading.Event()

            headers = {"Authorization": f"Bearer {ADMIN}"}

            def write() -> None:
                """Stream uploads on schedule, each sent from the pool."""
                with httpx.Client(base_url=url, timeout=120, headers=headers) as w, \
                        ThreadPoolExecutor(8) as senders:
                    pending, k, next_at = [], 0, time.perf_counter()
                    while not stop.is_set():
                        pending.append(senders.submit(upload, w, stream[k % len(stream)]))
                        k += 1
                        next_at += 1 / args.rate
                        stop.wait(max(0.0, next_at - time.perf_counter()))
                    for sent in pending:
                        job = w.get(sent.result()["url"]).json()
                        done["uploads" if job["status"] == "done" else "failed"] += 1
                        done["sent"] += 1

            def change_real_stories() -> None:
                """At even intervals, a real story's last article; its page fetched once its job is done."""
                with httpx.Client(base_url=url, timeout=120, headers=headers) as w:
                    for story, article in held_back:
                        if stop.wait(seconds / (len(held_back) + 1)):
                            return
                        job = wait_done(w, upload(w, article))
                        began = time.perf_counter()
                        page = w.get(f"/stories/{job['article']['story']['id']}", follow_redirects=True)
                        first_views.append((time.perf_counter() - began, page.headers.get("x-page-cache", "?"),
                                            job["article"]["story"]["id"] == story))

            cpu = (cpu_seconds(server.pid), cpu_seconds(worker.pid))
            writers = [threading.Thread(target=write), threading.Thread(target=change_real_stories)]
            for writer in writers:
                writer.start()
            streaming = Readers(url, paths, args.clients)
            asyncio.run(streaming.run(seconds))
            stop.set()
            for writer in writers:
                writer.join()
            cpu = (cpu_seconds(server.pid) - cpu[0], cpu_seconds(worker.pid) - cpu[1])
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        worker_log.close()

    print(f"{'page':6s} {'quiet p50':>10s} {'p99':>8s} {'n':>7s}   {'streaming p50':>14s} {'p99':>8s} {'n':>7s}   p99 ratio")
    for kind in ("home", "story", "event"):
        q50, q99, qn = summary(quiet.latencies[kind])
        s50, s99, sn = summary(streaming.latencies[kind])
        print(f"{kind:6s} {q50:8.1f} ms {q99:5.1f} ms {qn:7d}   {s50:12.1f} ms {s99:5.1f} ms {sn:7d}   {s99 / q99:.2f}x")
    print(f"answers of 400 and over (kind, status: count): quiet {dict(quiet.errors)}, "
          f"streaming {dict(streaming.errors)}")
    for secs, outcome, joined in first_views:
        print(f"first view of a ~{TARGET_PASSAGES}-passage story after its own change: {secs * 1000:.0f} ms "
              f"(page cache {outcome}; the article {'joined its story' if joined else 'made a story of its own'})")
    print(f"uploads at {args.rate}/s for {args.minutes} min: {done['sent']} sent, {done['uploads']} done by the end, "
          f"{done['failed']} failed or still queued; CPU: server {cpu[0] / seconds:.2f} cores, "
          f"worker {cpu[1] / seconds:.2f} cores")


if __name__ == "__main__":
    main()
