"""Naming rows against NewsWCL50's word-choice chains (../shared/datasets/README.md, "Naming").

    .venv/bin/python bench/naming_quality.py ../shared/datasets/newswcl50-dev.jsonl [--show N]

Each gold event's five articles (HuffPost, NYT, USA Today, Fox News, Breitbart) are one story
through the project's own code: the app's passages, then the naming rows of `analyse_story`, as
the story page shows them. The gold (`meta.mentions`) is read only for scoring; titles are left
out (they are not passages).

- A gold mention is marked when a row's expression overlaps it (the one overlapping most).
- B-cubed over the marked gold mentions: rows (predicted) against chains (gold).
- Mention recall: marked gold mentions over all gold mentions.
- Concept F1: for each chain, the row that matches it best (precision over the row's marked
  mentions, recall over all the chain's mentions), averaged weighted by chain size.
- Chains lined up: of the chains that two or more outlets mention, the share for which one row
  holds the mentions of at least two of those outlets.
- Reference: gold mentions grouped by their expression's last word, B-cubed and concept F1 on the
  mentions the rows mark (the fair comparison), and on every gold mention (given the gold's own
  mention boundaries, which the app has to find).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import app.framing.naming as naming
from app.cluster.metrics import bcubed
from app.framing import analyse_story
from bench.framing_quality import articles_as_passages
from bench.labelled import read_events


def row_mentions(rows, offset: dict[int, int], article_of: dict[int, int]) -> list[tuple[int, int, int, int]]:
    """(article, start, end, row index) of every expression span the naming rows show."""
    out = []
    for r, row in enumerate(rows):
        for terms in row.terms.values():
            for term in terms:
                for s in term.spans:
                    base = offset[s.passage_id]
                    out.append((article_of[s.passage_id], base + s.start, base + s.end, r))
    return out


def concept_f1(gold: list[str], predicted: list[str | None]) -> float:
    """Size-weighted mean over chains of the best F1 any row reaches on it (unmarked count as missed)."""
    size = Counter(gold)
    row_size = Counter(p for p in predicted if p is not None)
    joint = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if p is not None)
    best = defaultdict(float)
    for (g, p), n in joint.items():
        prec, rec = n / row_size[p], n / size[g]
        best[g] = max(best[g], 2 * prec * rec / (prec + rec))
    return sum(best[g] * n for g, n in size.items()) / max(1, sum(size.values()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print this many cross-outlet chains the rows miss")
    args = ap.parse_args()
    naming.SPANS_PER_TERM = 10**6  # score every mention, not only the highlights a page keeps
    events = read_events(args.file)

    gold_all, pred_all, last_word = [], [], []
    lined, cross = 0, 0
    missed = []
    for event, rows in events.items():
        passages, offset = articles_as_passages(rows)
        article_of = {p.id: p.article_id for p in passages}
        framing = analyse_story({}, passages)
        shown = row_mentions(framing.naming, offset, article_of)
        by_chain_outlets: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        chain_outlets: dict[str, set[str]] = defaultdict(set)
        for a, row in enumerate(rows):
            for m in row["meta"]["mentions"]:
                if m["field"] != "text":
                    continue
                overlap = [(min(e, m["end"]) - max(s, m["start"]), r) for art, s, e, r in shown
                           if art == a and s < m["end"] and m["start"] < e]
                r = max(overlap)[1] if overlap else None
                chain = f"{event}/{m['chain']}"
                gold_all.append(chain)
                pred_all.append(None if r is None else f"{event}/{r}")
                last_word.append(f"{event}/" + (m["txt"].lower().split()[-1].strip(".,'\"“”’") if m["txt"].split() else ""))
                chain_outlets[chain].add(row["outlet"])
                if r is not None:
                    by_chain_outlets[chain][r].add(row["outlet"])
        for chain, outlets in chain_outlets.items():
            if len(outlets) >= 2:
                cross += 1
                ok = any(len(o) >= 2 for o in by_chain_outlets[chain].values())
                lined += ok
                if not ok:
                    missed.append(chain)

    marked = [(g, p) for g, p in zip(gold_all, pred_all, strict=True) if p is not None]
    p, r, f = bcubed([g for g, _ in marked], [q for _, q in marked])
    rp, rr, rf = bcubed(gold_all, last_word)
    same = bcubed([g for g, _ in marked], [w for w, q in zip(last_word, pred_all, strict=True) if q is not None])
    print(f"{args.file.name}: {len(events)} events, {sum(len(r) for r in events.values())} articles, "
          f"{len(gold_all)} gold mentions in texts, {len(set(gold_all))} chains")
    print(f"naming rows: B-cubed over marked mentions P {p:.3f} R {r:.3f} F1 {f:.3f}; "
          f"mention recall {len(marked) / max(1, len(gold_all)):.3f}; concept F1 {concept_f1(gold_all, pred_all):.3f}; "
          f"chains in >= 2 outlets lined up in one row {lined}/{cross} ({lined / max(1, cross):.0%})")
    same_marks = [w if q is not None else None for w, q in zip(last_word, pred_all, strict=True)]
    print(f"reference, grouping by last word, on the mentions the rows mark: B-cubed F1 {same[2]:.3f}; "
          f"concept F1 {concept_f1(gold_all, same_marks):.3f}")
    print(f"reference, grouping by last word, on every gold mention (the gold's own boundaries): "
          f"B-cubed P {rp:.3f} R {rr:.3f} F1 {rf:.3f}; concept F1 {concept_f1(gold_all, last_word):.3f}")
    for chain in missed[:args.show]:
        print("  not lined up:", chain)


if __name__ == "__main__":
    main()
