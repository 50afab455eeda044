"""First view of a story page and of its largest event's page, by story size.

    .venv/bin/python bench/story_size.py [--sizes 10,100,1000,6000] [--timeout 900]

Builds one story per size in a fresh embedded database (articles from eight outlets made of
real sentences from the seed articles, random vectors, about 60% of the passages in events of
about a dozen passages across the articles, the rest "only in one outlet"; no model run), then
measures each story page and its largest event's page twice, each time in a fresh `parallax
serve`, fetched once (first view) and once more (the stored page):

- cold: nothing of the framing kept, so the first view parses and analyses the smaller sample a
  waiting reader gets (app.browse.framing.FIRST_VIEW_PASSAGES, the page says so);
- kept: after each story's framing is kept by app.pipeline.frame_story and that of each of the
  events its page shows first by app.pipeline.frame_event (what the background jobs a bulk import or a feed
  poll queues run; an upload keeps its story's), as a reader of an imported story finds it.

Prints seconds and HTML bytes of each in a table, and how long keeping the framing took.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import store_synthetic_article  # noqa: E402
from bench.synthetic import DIM, seed_sentences, temporary_database  # noqa: E402

OUTLETS = 8


def build_story(session, outlets: list, n_passages: int, rng: random.Random,
                nrng: np.random.Generator) -> tuple[int, int]:
    """One story of n_passages passages; returns its id and its largest event's."""
    from sqlalchemy import insert

    from app.db.models import Event, PassageEvent, Story

    sentences = seed_sentences()
    n_articles = min(OUTLETS, max(2, n_passages // 3))
    story = Story(title=f"A story of {n_passages} passages")
    session.add(story)
    session.flush()
    events = [Event(story_id=story.id, label=f"Event {k} of the {n_passages}")
              for k in range(max(1, n_passages // 12))]
    session.add_all(events)
    session.flush()
    sizes = [n_passages // n_articles + (a < n_passages % n_articles) for a in range(n_articles)]
    members: list[dict] = []
    for a, size in enumerate(sizes):
        texts = [" ".join(rng.sample(sentences, 2)) for _ in range(size)]
        ids = store_synthetic_article(session, nrng, texts, outlet_id=outlets[a].id, story_id=story.id,
                                      title=f"Article {a} of story {story.id}", content_hash=f"size-{story.id}-{a}")
        # the first two passages of each article in event 0, so every event page has several outlets
        members += [{"passage_id": pid, "event_id": events[0].id if p < 2 else events[rng.randrange(len(events))].id}
                    for p, pid in enumerate(ids) if p < 2 or rng.random() < 0.6]
    session.execute(insert(PassageEvent), members)
    counts: dict[int, int] = {}
    for m in members:
        counts[m["event_id"]] = counts.get(m["event_id"], 0) + 1
    return story.id, max(counts, key=counts.get)


def build(sizes: list[int]) -> list[tuple[int, int, int]]:
    """(size, story id, largest event id) per size."""
    from app.db import base
    from app.db.models import Outlet
    from app.db.vector_index import ensure_vector_index
    from app.pipeline import prepare_database

    prepare_database()
    rng, nrng = random.Random(5), np.random.default_rng(5)
    built = []
    with base.session_scope() as session:
        outlets = [Outlet(name=f"Outlet {i}") for i in range(OUTLETS)]
        session.add_all(outlets)
        session.flush()
        for n in sizes:
            story_id, event_id = build_story(session, outlets, n, rng, nrng)
            session.commit()
            built.append((n, story_id, event_id))
        ensure_vector_index(session.connection(), "all-MiniLM-L6-v2", DIM)  # else `serve` builds it at start
        session.commit()
    return built


def fetch(url: str, timeout: float) -> tuple[float, int, int]:
    """(seconds, bytes of HTML, status) of one GET, redirects followed."""
    import httpx

    start = time.perf_counter()
    r = httpx.get(url, follow_redirects=True, timeout=timeout)
    return time.perf_counter() - start, len(r.content), r.status_code


def forget_framing() -> None:
    """Nothing of the framing kept in the database: no framings, no parses."""
    from sqlalchemy import text

    from app.db import base

    with base.get_engine().begin() as conn:
        conn.execute(text("DELETE FROM framings"))
        conn.execute(text("DELETE FROM passage_parses"))
    base.get_engine().dispose()


def keep_framing(built: list[tuple[int, int, int]]) -> list[tuple[float, float, int]]:
    """What the jobs an import queues run: each story's framing kept, then that of each of the
    events its page shows first (a job each). (Seconds for the story, seconds for its events, events) per story."""
    from app.db import base
    from app.pipeline import events_to_frame, frame_event, frame_story

    seconds = []
    with base.session_scope() as session:
        for _, story_id, _ in built:
            start = time.perf_counter()
            overview = frame_story(session, story_id)
            session.rollback()
            story_s, events = time.perf_counter() - start, events_to_frame(overview)
            for event_id in events:
                frame_event(session, event_id)
                session.rollback()
            seconds.append((story_s, time.perf_counter() - start - story_s, len(events)))
    base.get_engine().dispose()
    return seconds


def first_views(env: dict, built: list[tuple[int, int, int]], timeout: float, state: str) -> list[list]:
    """[story first, story again, event first, event again] per story, in a fresh server."""
    from tests.helpers import server_process

    rows = []
    with server_process(env) as (url, _proc):
        for n, story_id, event_id in built:
            row = []
            for path in (f"/stories/{story_id}", f"/events/{event_id}"):
                first = fetch(url + path, timeout)
                again = fetch(url + path, timeout)
                row += [first, again]
                print(f"{state:5s} {n:>6} {path:18s} first {first[0]:7.2f} s {first[1]:>9,} B (HTTP {first[2]})   "
                      f"stored {again[0]:6.3f} s", flush=True)
            rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,1000,6000")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one request may take")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with temporary_database("parallax-story-size-") as data_dir:
        start = time.perf_counter()
        built = build(sizes)
        print(f"corpus: stories of {', '.join(map(str, sizes))} passages built in {time.perf_counter() - start:.0f} s",
              flush=True)

        from app.db import base
        from tests.helpers import cli_env

        base.get_engine().dispose()
        env = cli_env(data_dir, PARALLAX_RATE_LIMIT_PER_MINUTE="0")
        cold = first_views(env, built, args.timeout, "cold")
        forget_framing()
        framed = keep_framing(built)
        print("framing kept at import, story + events: " + ", ".join(
            f"{s:.2f} s + {e:.2f} s ({k} events)" for s, e, k in framed), flush=True)
        kept = first_views(env, built, args.timeout, "kept")
    print()
    print("| passages | framing kept at import | story first view, kept | cold | story HTML, kept / cold "
          "| story stored | event first view, kept | cold | event HTML, kept / cold | event stored |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, (seconds, _, _), (s1, s2, e1, e2), (c1, _, d1, _) in zip(sizes, framed, kept, cold, strict=True):
        print(f"| {n:,} | {seconds:.2f} s | {s1[0]:.2f} s | {c1[0]:.2f} s | {s1[1]:,} / {c1[1]:,} B "
              f"| {s2[0] * 1000:.0f} ms | {e1[0]:.2f} s | {d1[0]:.2f} s | {e1[1]:,} / {d1[1]:,} B "
              f"| {e2[0] * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
