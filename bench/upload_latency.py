"""A single upload, from submit to visible on its story page, with a corpus already stored.

    .venv/bin/python bench/upload_latency.py [--articles 10000] [--uploads 20] [--keep DIR]

A synthetic corpus (bench/pages.py's, with stored clustering features) in a fresh embedded database, then `parallax serve` on it
(its inline worker, the real model). One upload at a time through `POST /api/articles` (a new
article made of seed sentences, with a title carrying a code of its own); the job is polled
every 20 ms until done, then the story page it names is fetched until it shows the title.
Prints the p50 / p90 / max of submit -> job done and submit -> visible (target: p50 <= 1 s with
10,000 articles stored), after one warm-up upload that is not counted.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import synthetic_corpus_database  # noqa: E402
from bench.synthetic import seed_sentences  # noqa: E402


def submit(http, body: dict) -> dict:
    """`POST /api/articles`; the job it answers with (202), or stop with the refusal."""
    r = http.post("/api/articles", json=body)
    if r.status_code != 202:
        raise SystemExit(f"upload refused: {r.status_code} {r.text[:300]}")
    return r.json()


def wait_done(http, job: dict) -> dict:
    """The job polled every 20 ms until it is done or failed."""
    while job["status"] not in ("done", "failed"):
        time.sleep(0.02)
        job = http.get(job["url"]).json()
    return job


def upload(http, rng: random.Random, sentences: list[str], k: int) -> tuple[float, float]:
    """(seconds to the job done, seconds until the story page shows the article)."""
    code = f"UPLOAD{k}X{rng.randrange(10**9)}"
    title = f"Report {code}"
    body = {"title": title, "text": " ".join(rng.sample(sentences, 6)), "outlet": f"Latency outlet {k % 3}"}
    start = time.perf_counter()
    job = wait_done(http, submit(http, body))
    done = time.perf_counter() - start
    if job["status"] == "failed":
        raise SystemExit(f"upload failed: {job['error']}")
    story = job["article"]["story"]["id"]
    while title not in http.get(f"/stories/{story}", follow_redirects=True).text:
        time.sleep(0.02)
    return done, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="build the corpus once into DIR (bench/stream.py's too); run on a copy")
    args = ap.parse_args()
    with synthetic_corpus_database(args.articles, "parallax-upload-bench-", args.keep) as data_dir:
        run(args, data_dir)


def run(args, data_dir: Path) -> None:
    import httpx

    from app.db import base
    from tests.helpers import cli_env, server_process

    base.get_engine().dispose()
    env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0")
    rng, sentences = random.Random(5), seed_sentences()
    with server_process(env) as (url, _proc), httpx.Client(base_url=url, timeout=120) as http:
        upload(http, rng, sentences, 0)  # warm-up: the model's first call and the caches
        times = [upload(http, rng, sentences, k) for k in range(1, args.uploads + 1)]
    for label, values in (("submit -> job done", [d for d, _ in times]),
                          ("submit -> visible on its story page", [v for _, v in times])):
        values = sorted(values)
        print(f"{label:38s} p50 {statistics.median(values) * 1000:6.0f} ms  "
              f"p90 {values[int(len(values) * 0.9) - 1] * 1000:6.0f} ms  max {values[-1] * 1000:6.0f} ms")
    print(f"{args.articles} articles stored, {args.uploads} uploads one at a time (target: visible p50 <= 1 s)")


if __name__ == "__main__":
    main()
