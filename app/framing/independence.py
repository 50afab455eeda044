"""Independence: reprints and near-copies (wire copy, syndication, lightly edited rewrites) found
by 5-word shingles. Containment |A∩B| / min(|A|,|B|) catches a short copy inside a longer
article; groups are connected components, so "N articles, M independent reports" counts each
group once. A story told by ten outlets that all run the same wire copy is one report, not ten."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from app.framing.common import JsonMixin, words

SHINGLE = 5
MIN_CONTAINMENT = 0.5
EXPLAIN = ("containment: share of the shorter article's 5-word shingles that also appear in the other; "
           "groups at >= 0.5 are counted as one report")


@dataclass(frozen=True)
class CopyGroup(JsonMixin):
    article_ids: list[int]
    containment: float  # the strongest link inside the group


@dataclass(frozen=True)
class Independence(JsonMixin):
    articles: int
    independent_reports: int
    groups: list[CopyGroup] = field(default_factory=list)
    summary: str = ""
    explain: str = EXPLAIN


def shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    toks = [w for w, _, _ in words(text)]
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def containment(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def near_copies(articles: dict[int, str], *, threshold: float = MIN_CONTAINMENT) -> list[CopyGroup]:
    """Groups (two or more articles) of reprints and near-copies, largest first."""
    sh = {k: shingles(v) for k, v in articles.items()}
    parent = {k: k for k in articles}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    strength: dict[tuple[int, int], float] = {}
    for a, b in combinations(sorted(articles), 2):
        c = containment(sh[a], sh[b])
        if c >= threshold:
            strength[(a, b)] = c
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for k in articles:
        groups.setdefault(find(k), []).append(k)
    out = [CopyGroup(sorted(ids), max(c for (a, b), c in strength.items() if a in ids and b in ids))
           for ids in groups.values() if len(ids) > 1]
    return sorted(out, key=lambda g: (-len(g.article_ids), g.article_ids))


def independence(articles: dict[int, str]) -> Independence:
    groups = near_copies(articles)
    m = len(articles) - sum(len(g.article_ids) - 1 for g in groups)
    return Independence(len(articles), m, groups, f"{len(articles)} articles, {m} independent reports")
