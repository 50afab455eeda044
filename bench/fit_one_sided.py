"""Fit the one-sided content model (app/framing/one_sided.py) on BASIL's informational-bias spans,
and report how it does on topics it has not seen.

    .venv/bin/python bench/fit_one_sided.py ../shared/datasets/basil-dev.jsonl \
        [--write app/framing/data/one_sided.json]

Sentences are cut and parsed as the app does (its passages, spaCy docs, sentence_features); a
sentence is positive when it overlaps an informational span of the gold. Topic-wise nested
cross-validation: five folds of whole events; inside each training part, the regularisation and the
threshold (marking at most MAX_MARKED of the sentences) are chosen by a second, four-fold split of its events; the held-out events are scored
once. Printed beside it: every sentence marked, random sentences at the same rate. With --write,
the model is refitted on every event, with the regularisation and threshold the cross-validation
chose most often, and written as weights only (feature -> [idf, weight]): no text is kept.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.framing.common import parse
from app.framing.one_sided import sentence_features, sentences_of
from bench.framing_quality import articles_as_passages, gold_spans
from bench.labelled import read_events

C_GRID = (0.1, 0.3, 1.0)
THRESHOLDS = np.round(np.linspace(0.30, 0.80, 51), 2)
MAX_MARKED = 0.35  # a reader is pointed at a third of the sentences at most, not at every other one


def sentence_rows(path: Path):
    """(event index, passage, start, end, tokens, gold label) of every sentence of every article's
    passages, events in file order."""
    for g, rows in enumerate(read_events(path).values()):
        passages, offset = articles_as_passages(rows)
        docs = parse(passages)
        for p in passages:
            gold = gold_spans(rows[p.article_id], "informational")
            for s, e, tokens in sentences_of(p, docs[p.id]):
                a, b = s + offset[p.id], e + offset[p.id]
                yield g, p, s, e, tokens, any(a < ge and gs < b for gs, ge in gold)


def labelled_sentences(path: Path) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Features, gold label and event index of every sentence of every article's passages."""
    feats, labels, groups = [], [], []
    for g, _, _, _, tokens, label in sentence_rows(path):
        feats.append(sentence_features(tokens))
        labels.append(label)
        groups.append(g)
    return feats, np.array(labels), np.array(groups)


def fit(feats: list[list[str]], y: np.ndarray, c: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True, min_df=3)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(vec.fit_transform(feats), y)
    return vec, model


def predict(fitted, feats: list[list[str]]) -> np.ndarray:
    vec, model = fitted
    return model.predict_proba(vec.transform(feats))[:, 1]


def f1(marked: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int((marked & y).sum())
    p, r = tp / max(1, int(marked.sum())), tp / max(1, int(y.sum()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def choose(feats, y, groups, idx: np.ndarray) -> tuple[float, float]:
    """(C, threshold) with the best F1 over a four-fold split of these sentences' events."""
    from sklearn.model_selection import GroupKFold

    best = (-1.0, C_GRID[0], 0.5)
    for c in C_GRID:
        scores = np.zeros(len(idx))
        for tr, te in GroupKFold(4).split(idx, groups=groups[idx]):
            fitted = fit([feats[i] for i in idx[tr]], y[idx[tr]], c)
            scores[te] = predict(fitted, [feats[i] for i in idx[te]])
        for t in THRESHOLDS:
            if (scores >= t).mean() <= MAX_MARKED:
                best = max(best, (f1(scores >= t, y[idx])[2], c, float(t)))
    return best[1], best[2]


def main() -> None:
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--write", type=Path, help="refit on every event and write the model here")
    args = ap.parse_args()
    feats, y, groups = labelled_sentences(args.file)
    marked = np.zeros(len(y), bool)
    chosen = []
    for tr, te in GroupKFold(5).split(feats, groups=groups):
        c, t = choose(feats, y, groups, tr)
        chosen.append((c, t))
        fitted = fit([feats[i] for i in tr], y[tr], c)
        marked[te] = predict(fitted, [feats[i] for i in te]) >= t
    rng = random.Random(0)
    random_marks = np.zeros(len(y), bool)
    random_marks[rng.sample(range(len(y)), int(marked.sum()))] = True
    print(f"{args.file.name}: {len(set(groups))} events, {len(y)} sentences, {y.mean():.1%} one-sided in the gold")
    print("sentence-level one-sided content, topic-wise nested cross-validation (5 folds of events):")
    for name, m in (("model, unseen topics", marked), ("every sentence", np.ones(len(y), bool)),
                    ("random sentences, as many", random_marks)):
        p, r, f = f1(m, y)
        print(f"  {name:28s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (marks {m.mean():.0%})")
    print("chosen per fold (C, threshold):", chosen)
    if args.write:
        c = Counter(c for c, _ in chosen).most_common(1)[0][0]
        t = float(np.median([t for _, t in chosen]))
        vec, model = fit(feats, y, c)
        features = {f: [round(float(vec.idf_[i]), 5), round(float(model.coef_[0][i]), 5)]
                    for f, i in sorted(vec.vocabulary_.items())}
        args.write.write_text(json.dumps({
            "source": "fitted by bench/fit_one_sided.py on BASIL (Fan et al., EMNLP 2019) informational-bias "
                      "spans, development half; weights only",
            "C": c, "threshold": round(t, 3), "bias": round(float(model.intercept_[0]), 5),
            "features": features}, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.write}: {len(features)} features, C {c}, threshold {t:.3f}")


if __name__ == "__main__":
    main()
