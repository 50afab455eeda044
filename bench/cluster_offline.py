"""Offline quality of story clustering on a labelled jsonl file (research script, no database).

    .venv/bin/python bench/cluster_offline.py ../shared/datasets/ecbplus-dev.jsonl [--model all-MiniLM-L6-v2] [--threshold 0.2]
    .venv/bin/python bench/cluster_offline.py --scale 10000   # synthetic timing

Held-out figures and the pair-model fit: bench/fit_story_model.py.

Articles go through the app's own cleaning and passage splitting, passages are embedded once per
file and model (cached as npz under /tmp/pxcache), spaCy features are cached as JSON beside them.
Then: full clustering (cluster_stories), incremental assignment in file order (regroup_neighbourhood
over the stories of the nearest articles, as the app does), and B-cubed / ARI against the gold `event`.
The `event` and `meta` fields are read only for scoring, never passed to the clustering.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.cluster.features import ArticleFeatures, PassageFacts, article_features, load_nlp
from app.cluster.metrics import labels_from_groups, score
from app.cluster.stories import NEIGHBOURS, THRESHOLD, cluster_stories, regroup_neighbourhood
from app.cluster.vocabulary import DocumentFrequencies
from app.ingest.clean import clean, drop_leading_title
from app.ingest.passages import split_passages

CACHE = Path(os.environ.get("PARALLAX_BENCH_CACHE", "/tmp/pxcache"))  # features of another variant: another folder


def _domain(url: str | None) -> str | None:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").removeprefix("www.") or None if url else None


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def passages_of(row: dict) -> tuple[str | None, list[str]]:
    """Exactly what ingest stores: clean, drop a repeated title, split."""
    c = clean(row["text"], detect_title=row["title"] is None)
    text = drop_leading_title(c.text, row["title"])
    spans = split_passages(text, max_chars=480, min_chars=120)
    return row["title"] or c.title, [text[s.start : s.end] for s in spans]


def embed_cached(path: Path, model: str, texts: list[str], titles: list[str]) -> tuple[np.ndarray, np.ndarray]:
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f"{path.stem}.{model}.npz"
    if cache.exists():
        data = np.load(cache, allow_pickle=True)
        if len(data["vec"]) == len(texts) and len(data["tvec"]) == len(titles):
            return data["vec"], data["tvec"]
    from app.embed.model import load_embedder

    t0 = time.perf_counter()
    embedder = load_embedder(model, Path("/tmp/pxmodels"))
    vec, tvec = embedder.embed(texts), embedder.embed(titles)
    print(f"embedded {len(texts)} passages with {model} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    np.savez(cache, vec=vec, tvec=tvec)
    return vec, tvec


def build_features(path: Path, model: str, use_titles: bool = True) -> tuple[list[dict], list[ArticleFeatures]]:
    rows = load_rows(path)
    prepared = [passages_of(r) for r in rows]
    texts = [t for _, ps in prepared for t in ps]
    vectors, title_vectors = embed_cached(path, model, texts, [title or "" for title, _ in prepared])
    fcache = CACHE / f"{path.stem}.features.json"
    stored = json.loads(fcache.read_text()) if fcache.exists() else None
    feats, offset, next_pid = [], 0, 0
    nlp = None if stored else load_nlp()
    t0 = time.perf_counter()
    for i, (row, (title, ps)) in enumerate(zip(rows, prepared, strict=True)):
        base = dict(
            id=i,
            title=title,
            published=dt.date.fromisoformat(row["published"]) if row["published"] else None,
            outlet=row["outlet"] or _domain(row["url"]),
            passage_ids=list(range(next_pid, next_pid + len(ps))),
            passage_texts=ps,
            passage_vectors=vectors[offset : offset + len(ps)],
            title_vector=title_vectors[i] if title and use_titles else None,
        )
        feats.append(ArticleFeatures.from_json(stored[i], **base) if stored else article_features(nlp=nlp, **base))
        offset += len(ps)
        next_pid += len(ps)
    if not stored:
        print(f"spaCy features for {len(rows)} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        fcache.write_text(json.dumps([f.to_json() for f in feats]))
    return rows, feats


def incremental(feats: list[ArticleFeatures]) -> list[list[int]]:
    """Ingest order, as the app assigns: the stories of each article's NEIGHBOURS nearest stored
    articles, given whole, are regrouped with it (regroup_neighbourhood) and replace themselves."""
    members: dict[int, list[ArticleFeatures]] = {}
    story_of: dict[int, int] = {}
    df = DocumentFrequencies()  # the stored corpus's statistics, as the service keeps them
    matrix = np.stack([f.vector for f in feats])
    for i, f in enumerate(feats):
        nearest = np.argsort(-(matrix[:i] @ f.vector), kind="stable")[:NEIGHBOURS] if i else []
        candidates = {story_of[int(j)]: members[story_of[int(j)]] for j in nearest}
        df.add([f])
        for sid in candidates:
            del members[sid]
        for group in regroup_neighbourhood(f, candidates, df=df):
            sid = group[0]  # any unique key will do for scoring: the lowest member id
            members[sid] = [feats[a] for a in group]
            story_of.update(dict.fromkeys(group, sid))
    return [[f.id for f in group] for group in members.values()]


def report(name: str, gold: list, groups: list[list[int]], ids: list[int]) -> None:
    print(f"{name:<12} {score(gold, labels_from_groups(groups, ids))}  stories={len(groups)}")


def synthetic(  # --scale: clustered random vectors, made-up terms, no real text
    n: int, passages: int, dim: int = 384, story_size: int = 5, seed: int = 0) -> list[ArticleFeatures]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n // story_size + 1, dim)).astype(np.float32)
    out = []
    for k in range(n):
        s = k // story_size
        vecs = centres[s] + 1.5 * rng.normal(size=(passages, dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        facts = [PassageFacts(names=[f"n{s}", f"n{rng.integers(5000)}"], numbers=[str(rng.integers(100, 999))],
                              dates=[], quotes=[], sentences=[[f"@n{s}", f"w{rng.integers(20000)}", f"w{s % 3000}"]])
                 for _ in range(passages)]
        out.append(ArticleFeatures(id=k, title=None, published=None, outlet=None,
                                   passage_ids=list(range(k * passages, (k + 1) * passages)),
                                   passage_texts=[""] * passages, passage_vectors=vecs, passages=facts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?")
    parser.add_argument("--scale", type=int, metavar="N", help="time cluster_stories on N synthetic articles x 10 passages")
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--no-titles", action="store_true", help="do not embed titles (title_vector=None)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    if args.scale:
        articles = synthetic(args.scale, 10)
        t0 = time.perf_counter()
        groups = cluster_stories(articles)
        print(f"{args.scale} synthetic articles x 10 passages: {len(groups)} stories in {time.perf_counter() - t0:.1f} s")
        return
    rows, feats = build_features(args.path, args.model, use_titles=not args.no_titles)
    gold = [r["event"] for r in rows]
    ids = [f.id for f in feats]
    print(f"{args.path.name}: {len(rows)} articles, {len(set(gold))} gold events, model {args.model}")
    t0 = time.perf_counter()
    groups = cluster_stories(feats, args.threshold)
    print(f"full clustering in {time.perf_counter() - t0:.1f} s")
    report("full", gold, groups, ids)
    if not args.no_incremental:
        t0 = time.perf_counter()
        inc = incremental(feats)
        print(f"incremental in {time.perf_counter() - t0:.1f} s")
        report("incremental", gold, inc, ids)
    topics = defaultdict(list)
    for i, r in enumerate(rows):
        if "topic" in (r.get("meta") or {}):
            topics[r["meta"]["topic"]].append(i)
    if topics:
        label = labels_from_groups(groups, ids)
        for topic, members in sorted(topics.items(), key=lambda kv: int(kv[0].split(":")[-1])):
            s = score([gold[i] for i in members], [label[i] for i in members])
            print(f"  {topic:<18} n={len(members):<3} {s}")


if __name__ == "__main__":
    main()
