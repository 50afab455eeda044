"""Offline event quality on ecbplus-events-dev (research script, no database): the app's passages,
vectors and spaCy facts (cached by bench/cluster_offline.py), its story clustering, then
cluster_events per story, scored as bench/event_quality.py scores the app.

    .venv/bin/python bench/events_offline.py ../shared/datasets/ecbplus-events-dev.jsonl [--gold-stories]

--gold-stories groups articles by the gold `event` instead of the app's stories, to read the
event model apart from story errors.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.cluster.events import cluster_events
from app.cluster.stories import cluster_stories
from bench.cluster_offline import build_features
from bench.event_scoring import annotated_passages, pairs_of, report, same_group


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--gold-stories", action="store_true")
    args = ap.parse_args()
    rows, feats = build_features(args.path, "all-MiniLM-L6-v2")
    if args.gold_stories:
        by_event: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            by_event.setdefault(r["event"], []).append(i)
        stories = list(by_event.values())
    else:
        stories = cluster_stories(feats)
    t0 = time.perf_counter()
    event_of: dict[int, int] = {}
    for story in stories:
        for k, group in enumerate(cluster_events([feats[i] for i in story])):
            for pid in group:
                event_of[pid] = (story[0], k)
    took = time.perf_counter() - t0
    universe = annotated_passages(rows, [list(zip(f.passage_ids, f.passage_texts, strict=True)) for f in feats])
    pairs = pairs_of(universe)
    vec = {pid: f.passage_vectors[j] for f in feats for j, pid in enumerate(f.passage_ids)}
    m = np.stack([vec[p.key] for p in universe.passages])
    cosine = np.einsum("ij,ij->i", m[pairs.i], m[pairs.j])
    print(f"{len(stories)} stories ({'gold' if args.gold_stories else 'the app'}), events in {took:.1f} s")
    for line in report(universe, pairs, {"Parallax events": same_group(universe, event_of, pairs)}, cosine):
        print(line)


if __name__ == "__main__":
    main()
