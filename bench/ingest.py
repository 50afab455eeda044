"""End-to-end ingest against the bare model, in one run.

    .venv/bin/python bench/ingest.py ../shared/datasets/allsides-dev.jsonl [--limit N] [--profile]

1. Bare encode: the same passages (and titles) that ingest embeds, split exactly as ingest
   splits them, through `model.encode` with the same model and batch size.
2. End to end: `ingest_items` into a fresh embedded database (reading, cleaning, splitting,
   embedding, storing, spaCy features and clustering on every article, then a background job
   queued to keep the framing of each story touched, which a worker runs later when nothing else
   waits: not part of this figure).
3. Bare encode again: on a shared machine the load drifts during a run, so the ratio is taken
   against the mean of the two bare runs (both are printed).
Prints both times and the ratio end-to-end / bare encode (target <= 1.3), and the CPU seconds
each spent (this process, plus the database backend for ingest): on a loaded machine wall times
swing, CPU seconds much less. Prints the load average before and after, and every other process
that used more than a tenth of a core during the run: then the machine was busy and the ratio is
not valid (torch's threads spin when the cores are contended, which inflates the bare encode). With --profile, the time per phase (wall and CPU of the thread that
ran it; phases in the model thread overlap the others, so walls add up to more than end to end).
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labelled import drafts_of, read_records  # noqa: E402
from bench.procstat import BusyWatch, cpu_seconds  # noqa: E402
from bench.synthetic import temporary_database  # noqa: E402

# phase label -> (module, function): timed wherever they run (the model phases in a worker thread)
PHASES = {
    "model (encode)": ("app.embed.model", "Embedder.embed"),
    "spaCy features": ("app.cluster.features", "facts_of_many"),
    "cleaning + splitting (prepare)": ("app.ingest.service", "prepare"),
    "storing (store_article)": ("app.ingest.service", "store_article"),
    "clustering (assign_article)": ("app.cluster.service", "assign_article"),
    "clustering (assign_articles)": ("app.cluster.service", "assign_articles"),
    "queueing the framing of the stories touched (queue_framing)": ("app.pipeline", "queue_framing"),
}


def _time_phases() -> dict[str, list[float]]:
    """Wrap each phase's function with a timer (wall, thread CPU, calls)."""
    import importlib

    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for label, (module_name, qualname) in PHASES.items():
        owner = importlib.import_module(module_name)
        *path, name = qualname.split(".")
        for part in path:
            owner = getattr(owner, part)
        func = getattr(owner, name)

        def timed(*args, _func=func, _label=label, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return _func(*args, **kwargs)
            finally:
                t = totals[_label]
                t[0] += time.perf_counter() - wall
                t[1] += time.thread_time() - cpu
                t[2] += 1

        setattr(owner, name, functools.wraps(func)(timed))
    return totals


def _backend_cpu(session) -> tuple[int, float]:
    """The session's database backend process and its CPU seconds so far (0 when not local)."""
    from sqlalchemy import text

    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    session.rollback()
    return pid, cpu_seconds(pid)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--profile", action="store_true", help="time the end-to-end run by phase")
    args = ap.parse_args()
    with temporary_database("parallax-ingest-bench-"):
        run(args)


def run(args: argparse.Namespace) -> None:
    from app.config import get_settings
    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.ingest.service import IngestError, prepare
    from app.pipeline import ingest_items, prepare_database

    settings = get_settings()
    records = read_records(args.file, args.limit)
    drafts = drafts_of(records, args.file.name)
    embedder = get_embedder()
    prepare_database(embedder)

    texts = []
    for d in drafts:
        try:
            texts += prepare(d, settings).texts_to_embed
        except IngestError:
            pass
    embedder.embed(texts[:64])  # warm-up, both paths share it

    def bare_encode() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                              convert_to_numpy=True)
        return time.perf_counter() - wall, time.process_time() - cpu

    load_before = os.getloadavg()
    postmaster = int((settings.embedded_pg_dir / "postmaster.pid").read_text().split()[0]) \
        if not settings.database_url else os.getpid()
    watch = BusyWatch({os.getpid(), postmaster}).start()
    bare_before, bare_cpu_before = bare_encode()

    phases = _time_phases() if args.profile else {}
    with session_scope() as session:
        pid, backend_start = _backend_cpu(session)
        start, cpu_start = time.perf_counter(), time.process_time()
        results = list(ingest_items(session=session, items=drafts, embedder=embedder))
        end_to_end, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        backend = cpu_seconds(pid) - backend_start

    bare_after, bare_cpu_after = bare_encode()
    others = watch.stop()
    bare = (bare_before + bare_after) / 2
    bare_cpu = (bare_cpu_before + bare_cpu_after) / 2
    stored = sum(r.status == "ingested" for r in results)
    print(f"{args.file.name}: {len(drafts)} articles ({stored} stored), {len(texts)} texts embedded, "
          f"model {embedder.name}, batch {embedder.batch_size}, {os.cpu_count()} cores")
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}")
    if others:
        print("THE MACHINE WAS BUSY: other processes used the cores during the run, so the ratio below is "
              "NOT VALID; run again on a quiet machine:")
        for pid, name, cores in others[:8]:
            print(f"    pid {pid} {name}: {cores:.2f} of a core")
    else:
        print("quiet machine: no other process used more than a tenth of a core during the run")
    print(f"bare model.encode : {bare:7.1f} s  ({len(texts) / bare:.0f} texts/s; "
          f"{bare_before:.1f} s before, {bare_after:.1f} s after ingest)  cpu {bare_cpu:6.1f} s")
    print(f"parallax ingest   : {end_to_end:7.1f} s  ({len(texts) / end_to_end:.0f} texts/s)"
          f"  cpu {cpu:6.1f} s + database {backend:.1f} s")
    print(f"ratio end-to-end / bare encode: {end_to_end / bare:.2f}x (target <= 1.3x); "
          f"cpu ratio {(cpu + backend) / bare_cpu:.2f}x")
    for label, (wall, thread_cpu, calls) in phases.items():
        print(f"  {label:32s} wall {wall:7.1f} s  cpu {thread_cpu:7.1f} s  ({calls} calls)")


if __name__ == "__main__":
    main()
