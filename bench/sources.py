"""What polling many sources costs a worker.

    .venv/bin/python bench/sources.py [--sources 1000] [--changed 0.05]

A local feed server (one process beside this one) serves --sources synthetic RSS feeds, each on a
host of its own (127.0.x.y: every loopback address is this machine), with ETags. In a fresh
embedded database the sources are added, then polled by `poll_due` in this process, as a worker
polls them, three rounds:
1. first poll: every feed is new, its two items are fetched, extracted and ingested (the model);
2. steady state: nothing changed, every feed answers 304;
3. a share (--changed) of the feeds gained one item.
Prints each round's wall and CPU seconds (this process and the database backend) per source, and
what polling every source every 15 minutes would take of one core: the 304 round and the changed
round, scaled to 900 s. The web servers do none of this work.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import cpu_seconds  # noqa: E402
from bench.synthetic import seed_sentences, temporary_database  # noqa: E402

INTERVAL_S = 900


def host(i: int) -> str:
    return f"127.0.{i // 250}.{i % 250 + 2}"


def serve(port_box, changed_upto) -> None:
    """The feed server: /feed.xml on each host lists that host's items; a host whose number is
    below changed_upto.value lists one more item (a new ETag)."""
    import random
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    sentences = seed_sentences()

    class Feeds(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            authority = self.headers.get("Host", "")
            name = authority.split(":")[0]
            i = int(name.split(".")[2]) * 250 + int(name.split(".")[3]) - 2
            extra = 1 if i < changed_upto.value else 0
            if self.path == "/robots.txt":
                return self.reply(200, "text/plain", b"User-agent: *\nAllow: /\n")
            if self.path == "/feed.xml":
                etag = f'"{i}-{extra}"'
                if self.headers.get("If-None-Match") == etag:
                    return self.reply(304, None, b"", etag)
                items = "".join(f"<item><title>Report {i}-{k}</title><link>http://{authority}/a/{k}</link></item>"
                                for k in range(2 + extra))
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {i}</title>{items}</channel></rss>'
                return self.reply(200, "application/rss+xml", body.encode(), etag)
            k = self.path.rsplit("/", 1)[-1]
            rng = random.Random(f"{i}-{k}")
            paragraphs = "".join(f"<p>{' '.join(rng.sample(sentences, 3))} (Outlet {i}, report {k}.)</p>" for _ in range(4))
            return self.reply(200, "text/html", f"<html><head><title>Report {i}-{k}</title></head><body>"
                                                f"<article>{paragraphs}</article></body></html>".encode())

        def reply(self, status, ctype, body, etag=None):
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("0.0.0.0", 0), Feeds)
    port_box.value = server.server_port
    server.serve_forever()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--changed", type=float, default=0.05)
    ap.add_argument("--host-delay", type=float, default=0.05,
                    help="PARALLAX_SOURCE_HOST_DELAY_S: time asleep, not CPU; each host is polled once a round")
    args = ap.parse_args()
    port, changed_upto = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(port, changed_upto), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    try:
        with temporary_database("parallax-sources-bench-"):
            run(args, port.value, changed_upto)
    finally:
        server.terminate()


def run(args, port: int, changed_upto) -> None:
    import os

    from sqlalchemy import text, update

    from app.config import get_settings
    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.pipeline import poll_sources, prepare_database
    from app.sources.models import Source
    from app.sources.polling import add_source

    os.environ["PARALLAX_FETCH_ALLOW_PRIVATE"] = "true"
    os.environ["PARALLAX_SOURCE_HOST_DELAY_S"] = str(args.host_delay)
    get_settings.cache_clear()
    settings = get_settings()
    embedder = get_embedder()
    prepare_database(embedder)
    with session_scope() as session:
        for i in range(args.sources):
            add_source(session, f"http://{host(i)}:{port}/feed.xml", settings=settings)
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        session.rollback()
        rounds = []
        for label in ("first poll (every item new)", "steady state (304)", f"{args.changed:.0%} of feeds changed"):
            if rounds:
                session.execute(update(Source).values(next_poll_at=text("now()")))
                session.commit()
            if label.endswith("changed"):
                changed_upto.value = int(args.sources * args.changed)
            wall, cpu, db = time.perf_counter(), time.process_time(), cpu_seconds(backend)
            reports = poll_sources(session, embedder=embedder, settings=settings)
            wall, cpu, db = time.perf_counter() - wall, time.process_time() - cpu, cpu_seconds(backend) - db
            added = sum(r.added for r in reports)
            errors = [r for r in reports if r.error]
            rounds.append((label, len(reports), added, len(errors), wall, cpu + db))
            if errors:
                print(f"  {len(errors)} errors, e.g. {errors[0]}")
            refused = session.execute(text("SELECT reason, count(*) FROM source_items WHERE status NOT IN "
                                           "('ingested', 'duplicate') GROUP BY reason ORDER BY 2 DESC LIMIT 3")).all()
            session.rollback()
            for reason, n in refused:
                print(f"  {n} items refused: {reason}")
    print(f"{args.sources} sources on {args.sources} hosts, one worker process (model {embedder.name}), "
          f"{os.cpu_count()} cores")
    for label, polled, added, errors, wall, cpu in rounds:
        print(f"{label:32s}: {polled} polled, {added} articles added, {errors} errors; {wall:6.1f} s wall, "
              f"{cpu:6.1f} s CPU ({cpu / max(polled, 1) * 1000:5.1f} ms CPU a source)")
    steady, changed = rounds[1][5], rounds[2][5]
    print(f"every source every {INTERVAL_S // 60} minutes: {steady / INTERVAL_S:.3f} of a core when nothing changed, "
          f"{changed / INTERVAL_S:.3f} with {args.changed:.0%} of feeds changing each round (target < 1 core)")


if __name__ == "__main__":
    main()
