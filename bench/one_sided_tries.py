"""Tries at a better one-sided content model (app/framing/one_sided.py), each scored by the same
topic-wise nested cross-validation as bench/fit_one_sided.py (five folds of whole events; C and the
threshold chosen by an inner four-fold split of the training events, marking at most MAX_MARKED).

    .venv/bin/python bench/one_sided_tries.py ../shared/datasets/basil-dev.jsonl \
        [--tries base,join:p_max_other,stack:lr0.3] [--seed 1] [--cache /tmp/one-sided.pkl]

Each sentence gets, beside the app's spaCy features, its MiniLM vector (all-MiniLM-L6-v2, as the
app embeds passages) and its passage's. A try is one of:
- `base`: the app's model (tf-idf of the spaCy features, logistic regression);
- `join:BLOCKS[@SCALE]`: dense blocks (`+`-joined, standardised, times SCALE) beside the tf-idf
  features in one logistic regression. Blocks: `p_max_other` (highest cosine of the sentence's
  passage to another outlet's passage of the event), `s_sims` (the sentence's highest and top-3
  cosine to another outlet's sentences, its cosine to its article's and its event's mean),
  `unshared` (share of its content words no other outlet of the event uses; how many), `svec`
  (its MiniLM vector);
- `stack:MODEL[,MODEL]`: the tf-idf model and a second model of the sentence vector (`lrC`:
  logistic regression, `svcC`: RBF support vector machine; `p:` before it: of the passage vector),
  joined by a two-input logistic regression fitted on inner out-of-fold scores; the second model
  chosen inside too when several are given.
`--seed` deals the events into other folds (0: bench/fit_one_sided.py's folds). Nothing is written.
"""
from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fit_one_sided import C_GRID, MAX_MARKED, f1

THRESHOLDS = np.round(np.linspace(0.05, 0.95, 91), 2)
TRIES = ("base,join:p_max_other,join:s_sims,join:unshared,join:svec@0.03,stack:p:lr0.3,stack:lr0.3,"
         "stack:lr0.1,lr0.3,lr1,stack:svc1")


def read(path: Path) -> dict:
    """Per sentence: spaCy features, gold label, event, passage, outlet, article, text, content
    words; the MiniLM vectors of the sentences and of the passages."""
    from app.embed.model import get_embedder
    from app.framing.one_sided import _content, sentence_features
    from bench.fit_one_sided import sentence_rows

    rows, passages = [], {}  # (event, passage id) -> (index, text)
    for g, p, s, e, tokens, label in sentence_rows(path):
        passage = passages.setdefault((g, p.id), (len(passages), p.text))[0]
        rows.append(dict(feats=sentence_features(tokens), y=label, g=g, passage=passage, outlet=f"{g}|{p.outlet}",
                         article=f"{g}|{p.article_id}", text=p.text[s:e], content=_content(tokens)))
    embedder = get_embedder()
    pvec = embedder.embed([text for _, text in passages.values()])
    return dict(rows=rows, pvec=pvec[[r["passage"] for r in rows]], svec=embedder.embed([r["text"] for r in rows]))


def dense_blocks(data: dict) -> dict[str, np.ndarray]:
    rows, pvec, svec = data["rows"], data["pvec"], data["svec"]
    n = len(rows)
    g = np.array([r["g"] for r in rows])
    outlet = np.array([r["outlet"] for r in rows])
    article = np.array([r["article"] for r in rows])
    p_max, s_sims, unshared = np.zeros(n), np.zeros((n, 4)), np.zeros((n, 2))
    for ev in np.unique(g):
        idx = np.where(g == ev)[0]
        sims, psims = svec[idx] @ svec[idx].T, pvec[idx] @ pvec[idx].T
        centre = svec[idx].mean(0)
        words = {o: Counter(w for i in idx if outlet[i] == o for w in rows[i]["content"]) for o in set(outlet[idx])}
        for a, i in enumerate(idx):
            other = outlet[idx] != outlet[i]
            if other.any():
                top = np.sort(sims[a][other])[::-1]
                p_max[i], s_sims[i, :2] = psims[a][other].max(), (top[0], top[:3].mean())
            s_sims[i, 2:] = svec[i] @ svec[idx][article[idx] == article[i]].mean(0), svec[i] @ centre
            content = rows[i]["content"]
            elsewhere = {w for o, c in words.items() if o != outlet[i] for w in c}
            unshared[i] = len(content - elsewhere) / max(1, len(content)), np.log1p(len(content))
    return {"p_max_other": p_max[:, None], "s_sims": s_sims, "unshared": unshared, "svec": svec}


def tfidf_model(feats, y, dense: np.ndarray | None = None, scale: float = 1.0):
    """fit(train indices, C) -> predict(test indices) -> probabilities."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    def fit(idx, c):
        vec = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True, min_df=3).fit([feats[i] for i in idx])
        scaler = StandardScaler().fit(dense[idx]) if dense is not None else None

        def x(rows):
            m = vec.transform([feats[i] for i in rows])
            return m if scaler is None else hstack([m, csr_matrix(scaler.transform(dense[rows]) * scale)]).tocsr()

        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x(idx), y[idx])
        return lambda rows: model.predict_proba(x(rows))[:, 1]
    return fit


def vector_model(kind: str, X: np.ndarray, y: np.ndarray):
    """fit(train indices) -> predict(test indices) -> decision values."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    def fit(idx):
        c = float(kind.lstrip("lrsvc"))
        model = (SVC(C=c, class_weight="balanced") if kind.startswith("svc")
                 else LogisticRegression(C=c, max_iter=3000, class_weight="balanced")).fit(X[idx], y[idx])
        return lambda rows: model.decision_function(X[rows])
    return fit


def _best_threshold(scores, y, best, *rest):
    for t in THRESHOLDS:
        if (scores >= t).mean() <= MAX_MARKED:
            best = max(best, (f1(scores >= t, y)[2], float(t), *rest), key=lambda b: b[0])
    return best


def nested(fit, y, groups) -> tuple[np.ndarray, list]:
    from sklearn.model_selection import GroupKFold

    marked, chosen = np.zeros(len(y), bool), []
    for tr, te in GroupKFold(5).split(y, groups=groups):
        best = (-1.0, 0.5, C_GRID[0])
        for c in C_GRID:
            scores = np.zeros(len(tr))
            for itr, ite in GroupKFold(4).split(tr, groups=groups[tr]):
                scores[ite] = fit(tr[itr], c)(tr[ite])
            best = _best_threshold(scores, y[tr], best, c)
        _, t, c = best
        chosen.append((c, t))
        marked[te] = fit(tr, c)(te) >= t
    return marked, chosen


def nested_stack(tfidf_fit, second: dict, y, groups) -> tuple[np.ndarray, list]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    def logit(p):
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    marked, chosen = np.zeros(len(y), bool), []
    for tr, te in GroupKFold(5).split(y, groups=groups):
        inner = list(GroupKFold(4).split(tr, groups=groups[tr]))
        first = {c: np.zeros(len(tr)) for c in C_GRID}
        other = {k: np.zeros(len(tr)) for k in second}
        for itr, ite in inner:
            for c in C_GRID:
                first[c][ite] = logit(tfidf_fit(tr[itr], c)(tr[ite]))
            for k, fit in second.items():
                other[k][ite] = fit(tr[itr])(tr[ite])
        best = (-1.0,)
        for c in C_GRID:
            for k in second:
                z = np.c_[first[c], other[k]]
                stacker = LogisticRegression(class_weight="balanced").fit(z, y[tr])
                best = _best_threshold(stacker.predict_proba(z)[:, 1], y[tr], best, c, k, stacker)
        _, t, c, k, stacker = best
        chosen.append((c, k, t, *np.round(stacker.coef_[0], 2).tolist()))
        z = np.c_[logit(tfidf_fit(tr, c)(te)), second[k](tr)(te)]
        marked[te] = stacker.predict_proba(z)[:, 1] >= t
    return marked, chosen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--tries", default=TRIES, help=f"default: {TRIES}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, help="keep the parsed and embedded sentences here between runs")
    args = ap.parse_args()
    if args.cache and args.cache.exists():
        data = pickle.loads(args.cache.read_bytes())
    else:
        data = read(args.file)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(data))
    rows = data["rows"]
    y = np.array([r["y"] for r in rows])
    groups = np.array([r["g"] for r in rows])
    if args.seed:
        groups = np.random.RandomState(args.seed).permutation(groups.max() + 1)[groups]
    feats = [r["feats"] for r in rows]
    blocks = dense_blocks(data)
    print(f"{args.file.name}: {len(set(groups))} events, {len(y)} sentences, {y.mean():.1%} one-sided; "
          f"folds seed {args.seed}")
    for spec in _split(args.tries):
        kind, _, what = spec.partition(":")
        if kind == "base":
            marked, chosen = nested(tfidf_model(feats, y), y, groups)
        elif kind == "join":
            names, _, scale = what.partition("@")
            dense = np.hstack([blocks[b] for b in names.split("+")])
            marked, chosen = nested(tfidf_model(feats, y, dense, float(scale or 1)), y, groups)
        else:
            second = {k: vector_model(k.removeprefix("p:"), data["pvec" if k.startswith("p:") else "svec"], y)
                      for k in what.split(",")}
            marked, chosen = nested_stack(tfidf_model(feats, y), second, y, groups)
        p, r, f = f1(marked, y)
        print(f"  {spec:34s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (marks {marked.mean():.0%})  chosen {chosen}",
              flush=True)


def _split(tries: str) -> list[str]:
    """"base,join:x,stack:lr0.1,lr0.3" -> ["base", "join:x", "stack:lr0.1,lr0.3"]: a bare model name
    belongs to the stack before it."""
    out: list[str] = []
    for part in tries.split(","):
        if out and not part.startswith(("base", "join:", "stack:")):
            out[-1] += f",{part}"
        else:
            out.append(part)
    return out


if __name__ == "__main__":
    main()
