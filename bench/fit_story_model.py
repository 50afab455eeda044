"""Fit the same-story pair model (app/cluster/pairs.py COEF/INTERCEPT) on the dev files, and report
honest figures (research script, no database).

    .venv/bin/python bench/fit_story_model.py [--model all-MiniLM-L6-v2]

Training pairs are the candidate pairs the app itself scores (each article's NEIGHBOURS nearest by
vector), labelled by the gold `event`: in ECB+ these are mostly same-topic pairs, i.e. the hard
negatives (two earthquakes); in AllSides, nearest neighbours from another story. Weighting is
balanced per file: inside each file positives and negatives weigh half each, and each file
weighs the same. Unbalanced, the intercept learns each file's base rate (31% of ECB+ candidate
pairs are positive, 4% of AllSides'), which does not transfer: leave-one-dataset-out F1 was
0.734 / 0.749 unbalanced, 0.903 / 0.757 balanced. Logistic regression with a small L2 penalty,
fitted with scipy (L-BFGS), over the FITTED features (the rest keep coefficient 0).

Printed: jointly fitted figures, leave-one-dataset-out (fit on one file, cluster the other),
topic-wise 5-fold CV on ECB+ (fit on AllSides + 4/5 of the ECB+ topics, score the rest), and
the coefficients to paste into pairs.py. The `event`/`meta` fields are used for labels and
scoring only.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_offline import build_features

from app.cluster import pairs
from app.cluster.metrics import labels_from_groups, score
from app.cluster.stories import NEIGHBOURS, THRESHOLD, candidate_pairs, cluster_stories, document_frequencies

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
FILES = ("ecbplus-dev", "allsides-dev")
L2 = 1e-3
# "days" (publication-day gap) is left out: dates are known for only part of each file, and
# fitted it took the sign of each file's dating pattern; without it held-out F1 is higher.
FITTED = tuple(f for f in pairs.FEATURES if f != "days")


def pair_data(feats, gold):
    ctx = pairs.PairContext(feats, document_frequencies(feats))
    i, j = candidate_pairs(ctx.vectors, NEIGHBOURS)
    x = pairs.pair_features(ctx, i, j)
    y = np.array([gold[a] == gold[b] for a, b in zip(i, j, strict=True)], dtype=float)
    return i, j, x, y


def fit(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """Weighted logistic regression over the FITTED columns: in every block (file) positives and
    negatives weigh half each, and every block weighs the same in total."""
    cols = [pairs.FEATURES.index(f) for f in FITTED]
    x = np.concatenate(xs)[:, cols]
    y = np.concatenate(ys)
    w = np.concatenate([np.where(b > 0, 0.5 / max(b.sum(), 1.0), 0.5 / max((1 - b).sum(), 1.0)) for b in ys])
    w *= len(w) / w.sum()

    def loss(theta):
        z = x @ theta[:-1] + theta[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        nll = np.sum(w * (np.logaddexp(0, z) - y * z)) / len(y) + L2 * np.sum(theta[:-1] ** 2)
        grad_z = w * (p - y) / len(y)
        g = np.r_[x.T @ grad_z + 2 * L2 * theta[:-1], grad_z.sum()]
        return nll, g

    res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    coef = np.zeros(len(pairs.FEATURES))
    coef[cols] = res.x[:-1]
    return coef, float(res.x[-1])


def evaluate(feats, gold, coef, intercept, threshold=THRESHOLD, subset=None):
    pairs.COEF, pairs.INTERCEPT = coef, intercept
    items = feats if subset is None else [feats[k] for k in subset]
    g = gold if subset is None else [gold[k] for k in subset]
    groups = cluster_stories(items, threshold)
    return score(g, labels_from_groups(groups, [f.id for f in items]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    args = parser.parse_args()
    data = {}
    for name in FILES:
        rows, feats = build_features(DATA / f"{name}.jsonl", args.model)
        gold = [r["event"] for r in rows]
        i, j, x, y = pair_data(feats, gold)
        total_pos = sum(c * (c - 1) // 2 for c in defaultdict(int, {g: gold.count(g) for g in set(gold)}).values())
        print(f"{name}: {len(x)} candidate pairs, {int(y.sum())} positive of {total_pos} same-event pairs")
        data[name] = (rows, feats, gold, x, y)

    coef, intercept = fit([data[n][3] for n in FILES], [data[n][4] for n in FILES])
    print("joint fit:")
    for name in FILES:
        _, feats, gold, _, _ = data[name]
        for t in sorted({0.3, 0.4, THRESHOLD, 0.6, 0.7}):
            print(f"  {name:<13} threshold {t}: {evaluate(feats, gold, coef, intercept, t)}")
    for train, test in (FILES, FILES[::-1]):
        c, b = fit([data[train][3]], [data[train][4]])
        _, feats, gold, _, _ = data[test]
        print(f"leave-one-dataset-out: fit on {train}, score {test}: {evaluate(feats, gold, c, b)}")

    rows, feats, gold, x, y = data["ecbplus-dev"]
    i, j, _, _ = pair_data(feats, gold)
    topic = np.array([r["meta"]["topic"] for r in rows])
    names = sorted(set(topic), key=lambda t: int(t.split(":")[-1]))
    f1s = []
    for k in range(5):
        held = set(names[k::5])
        train_pairs = ~np.isin(topic[i], list(held)) & ~np.isin(topic[j], list(held))
        c, b = fit([x[train_pairs], data["allsides-dev"][3]], [y[train_pairs], data["allsides-dev"][4]])
        test = [m for m in range(len(rows)) if topic[m] in held]
        s = evaluate(feats, gold, c, b, subset=test)
        f1s.append(s.f1)
        print(f"  ECB+ topic fold {k}: {s}")
    print(f"ECB+ topic-wise 5-fold CV: mean held-out F1 {np.mean(f1s):.3f}")

    pairs.COEF, pairs.INTERCEPT = coef, intercept
    print("COEF = np.array([" + ", ".join(f"{c:.3f}" for c in coef) + "])")
    print(f"INTERCEPT = {intercept:.3f}")
    print("features: " + ", ".join(pairs.FEATURES))


if __name__ == "__main__":
    main()
