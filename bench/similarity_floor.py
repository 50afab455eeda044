"""Where similar-meaning search should stop: cosines, with the app's model, of a query against the
passages of articles about the same gold event, of another event on the same topic (ECB+ look-alike
events; AllSides' broad topics such as "Europe"), and of another topic.

Queries are what a reader types: each article's title (a short sentence), and for a second view
each passage against the passages of the other articles. Prints percentiles of both distributions
and, for candidate floors, the share of other-topic and same-topic passages a search would still
show and the share of same-event passages it would drop.

    PYTHONPATH=. python -m bench.similarity_floor ../shared/datasets/allsides-dev.jsonl \
        ../shared/datasets/ecbplus-dev.jsonl
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.labelled import read_records

FLOORS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
PERCENTILES = (50, 90, 95, 99, 99.9)


def passages_of(records: list[dict]) -> tuple[list[str], np.ndarray]:
    """Every record's passages as the app splits them, and the record each comes from."""
    from app.config import get_settings
    from app.ingest.drafts import IngestError
    from app.ingest.extract import from_record
    from app.ingest.service import prepare

    settings = get_settings()
    texts, owner = [], []
    for i, r in enumerate(records):
        try:
            prepared = prepare(from_record({"text": r["text"], "title": r.get("title")}, source_name=str(i)),
                               settings)
        except IngestError:
            continue
        for span in prepared.spans:
            texts.append(prepared.clean_text[span.start:span.end])
            owner.append(i)
    return texts, np.array(owner)


def report(name: str, sims: np.ndarray, same_event: np.ndarray, same_topic: np.ndarray, own: np.ndarray) -> None:
    """Percentiles and floors of the three groups, leaving out a query's own article."""
    related, look_alike, other = sims[same_event & ~own], sims[same_topic & ~same_event], sims[~same_topic]
    print(f"  {name}: {len(related):,} same-event pairs, {len(look_alike):,} same topic, {len(other):,} other topic")
    for label, values in (("same event", related), ("same topic", look_alike), ("other topic", other)):
        cells = "  ".join(f"p{p:g} {np.percentile(values, p):.3f}" for p in PERCENTILES)
        print(f"    {label:<11} {cells}")
    for floor in FLOORS:
        print(f"    floor {floor:.2f}: other topic above {np.mean(other >= floor):6.2%}   same topic above "
              f"{np.mean(look_alike >= floor):6.2%}   same event below {np.mean(related < floor):6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    from app.embed.model import get_embedder

    embedder = get_embedder()
    print(f"model {embedder.name}")
    for path in args.files:
        records = read_records(path)
        events = np.array([r["event"] for r in records])
        topics = np.array([r["meta"].get("topic") or r["meta"].get("allsides_topic") or r["event"] for r in records])
        texts, owner = passages_of(records)
        vectors = embedder.embed(texts)
        print(f"{path.name}: {len(records)} articles, {len(set(events.tolist()))} events, {len(texts):,} passages")
        titled = [i for i, r in enumerate(records) if r.get("title")]
        queries = embedder.embed([records[i]["title"] for i in titled])
        sims = queries @ vectors.T
        q = np.array(titled)[:, None]
        report("title -> passages", sims, events[q] == events[owner][None, :], topics[q] == topics[owner][None, :],
               q == owner[None, :])
        p = owner[:, None]
        report("passage -> passages", vectors @ vectors.T, events[p] == events[owner][None, :],
               topics[p] == topics[owner][None, :], p == owner[None, :])


if __name__ == "__main__":
    main()
