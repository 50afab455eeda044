"""Same-story probability of two articles: a logistic model over pair features.

Why learned: each signal alone fails somewhere. Embedding cosine rates look-alike events alike;
TF-IDF misses paraphrase (AllSides left and right outlets word one story differently); names miss
stories told without names. A logistic combination, fitted on labelled pairs of both dev files
(bench/fit_story_model.py, which prints the coefficients pasted below), weighs them by how much
each tells apart on real news, and gives one scale (a probability) that clustering can cut at 0.5.

Look-alike events (two Chargers players' DUI arrests, IE zero-days of 2008 and 2013) share topic
words and even names; what differs is *who leads* and *when*. So three clash features count
against a pair: lead_missing (the idf-weighted share of each article's rarest title/lede names
that the other never mentions), years (title/lede years plus publication year, both known and
disjoint) and lede_numbers (title/lede numbers, both known and disjoint). Clash-only (0 when
they agree): every article of a news feed shares the year, so agreement tells nothing.

Features are computed only for the pairs asked for (candidate pairs), vectorised over them, so a
recluster never builds an n x n matrix.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from app.cluster.vocabulary import DocumentFrequencies, tfidf_matrix

FEATURES = ("cosine", "title", "lede", "best_passage", "tfidf", "names", "numbers", "dates", "days",
            "lead_missing", "years", "lede_numbers")
# Fitted by bench/fit_story_model.py on both dev files, each weighing the same and positives and
# negatives balanced inside each (all-MiniLM-L6-v2). Every similarity counts, TF-IDF and names
# most; a lead name the other article never mentions, a year clash and a lede-number clash count
# against. The publication-day gap is not fitted (coefficient 0, see the script).
COEF = np.array([2.264, 1.782, 1.063, 1.661, 2.580, 2.177, 0.529, 0.275, 0.000, -0.794, 0.632, 0.592])
INTERCEPT = -4.219
FREE_DAYS = 2.0  # coverage of one story runs over a few days: no gap penalty inside them
DAYS_SCALE = 14.0
LEAD_NAMES = 3  # prominent name tokens of an article: the rarest of its title and lede


class PairContext:
    """What pair features need, computed once per set of articles."""

    def __init__(self, articles: list, df: DocumentFrequencies) -> None:
        self.articles = articles
        self.vectors = np.stack([a.vector for a in articles]).astype(np.float32)
        self.titles = np.stack([a.title_vector if a.title_vector is not None else a.vector
                                for a in articles]).astype(np.float32)
        norms = np.linalg.norm(self.titles, axis=1, keepdims=True)
        self.titles /= np.where(norms > 0, norms, 1.0)
        dim = self.vectors.shape[1]
        self.ledes = np.stack([_unit(a.passage_vectors[0]) if len(a.passage_vectors) else a.vector
                               for a in articles]).astype(np.float32)
        self.passages = [np.asarray(a.passage_vectors, dtype=np.float32).reshape(-1, dim) for a in articles]
        self.tfidf = tfidf_matrix(articles, df)
        self.names = tfidf_matrix(articles, df, prefix="@")
        self.numbers = _binary([a.numbers for a in articles])
        self.dates = _binary([a.dates for a in articles])
        self.day = np.array([a.published.toordinal() if a.published else np.nan for a in articles])
        self.name_sets = [frozenset(a.names) for a in articles]
        self.lead = [_lead_names(a, df) for a in articles]
        self.years = _binary([_years(a) for a in articles])
        self.lede_numbers = _binary([_lede(a, "numbers") for a in articles])


def _lede(a, attr: str) -> frozenset[str]:
    """What the title and the first passage carry (headline and lede say what the story is)."""
    out = set(getattr(a.title_facts, attr))
    if a.passages:
        out.update(getattr(a.passages[0], attr))
    return frozenset(out)


def _years(a) -> frozenset[str]:
    """Years the title and lede mention, plus the publication year."""
    out = {d for d in _lede(a, "dates") if len(d) == 4 and d.isdigit()}
    if a.published:
        out.add(str(a.published.year))
    return frozenset(out)


def _lead_names(a, df: DocumentFrequencies) -> dict[str, float]:
    """The LEAD_NAMES rarest name tokens of title + lede, with their idf: who the story is about."""
    tokens = _lede(a, "names")
    ranked = sorted(tokens, key=lambda t: (-df.idf("@" + t), t))[:LEAD_NAMES]
    return {t: df.idf("@" + t) for t in ranked}


def _lead_missing(ctx: PairContext, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Idf-weighted share of each article's lead names that the other never mentions, averaged
    over both directions (0 when neither has lead names)."""
    out = np.zeros(len(i))
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        shares = []
        for x, y in ((a, b), (b, a)):
            lead = ctx.lead[x]
            if lead and ctx.name_sets[y]:
                total = sum(lead.values())
                shares.append(sum(w for t, w in lead.items() if t not in ctx.name_sets[y]) / total)
        out[k] = float(np.mean(shares)) if shares else 0.0
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _binary(sets: list[frozenset[str]]) -> sp.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, items in enumerate(sets):
        for item in sorted(items):
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), max(1, len(vocab))))


def _rowdot(m: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(m[i].multiply(m[j]).sum(axis=1)).ravel()


def _overlap(m: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """+1 shared item, -1 both non-empty and disjoint, 0 when either has none."""
    filled = np.asarray(m.sum(axis=1)).ravel() > 0
    both = filled[i] & filled[j]
    return np.where(both, np.where(_rowdot(m, i, j) > 0, 1.0, -1.0), 0.0)


def _best_passage(ctx: PairContext, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Highest cosine between a passage of one article and a passage of the other: one shared
    paragraph (the same quote, the same wire copy) is strong evidence. Grouped by the first
    article so each is one matmul against all its partners' passages."""
    out = np.zeros(len(i))
    order = np.argsort(i, kind="stable")
    starts = np.flatnonzero(np.r_[True, i[order][1:] != i[order][:-1]])
    for s, e in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        idx = order[s:e]
        mine = ctx.passages[i[idx[0]]]
        theirs = [ctx.passages[k] for k in j[idx]]
        sizes = np.array([len(t) for t in theirs])
        if len(mine) == 0 or sizes.sum() == 0:
            continue
        sims = (mine @ np.concatenate(theirs).T).max(axis=0)
        bounds = np.r_[0, np.cumsum(sizes)[:-1]]
        nonempty = sizes > 0
        out[idx[nonempty]] = np.maximum.reduceat(sims, bounds[nonempty])
    return out


def pair_features(ctx: PairContext, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(len(i), len(FEATURES)) feature rows for the article index pairs (i[k], j[k])."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    gap = np.abs(ctx.day[i] - ctx.day[j])
    dated = ~np.isnan(gap)
    days = np.where(dated, np.clip((np.nan_to_num(gap) - FREE_DAYS) / DAYS_SCALE, 0.0, 1.0), 0.0)
    return np.column_stack([
        np.einsum("ij,ij->i", ctx.vectors[i], ctx.vectors[j]),
        np.einsum("ij,ij->i", ctx.titles[i], ctx.titles[j]),
        np.einsum("ij,ij->i", ctx.ledes[i], ctx.ledes[j]),
        _best_passage(ctx, i, j),
        _rowdot(ctx.tfidf, i, j),
        _rowdot(ctx.names, i, j),
        _overlap(ctx.numbers, i, j),
        _overlap(ctx.dates, i, j),
        days,
        _lead_missing(ctx, i, j),
        np.minimum(_overlap(ctx.years, i, j), 0.0),
        np.minimum(_overlap(ctx.lede_numbers, i, j), 0.0),
    ])


def probability(x: np.ndarray, coef: np.ndarray | None = None, intercept: float | None = None) -> np.ndarray:
    coef = COEF if coef is None else coef
    intercept = INTERCEPT if intercept is None else intercept
    return 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))
