"""Wording diff: for two outlets in an event, take their closest pair of passages (token Jaccard,
or cosine of `embed` vectors when given) and diff them word by word (difflib on lower-cased
tokens), keeping each token's offsets so the UI can highlight "Russian dictatorship" against
"Russian president". Close pairs are where a different word choice is a framing choice: the rest
of the sentence is the same report."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from itertools import combinations

from app.framing.common import JsonMixin, Span, by_outlet, span_of, words
from app.framing.inputs import PassageIn

MAX_PAIRS = 10
MIN_SIMILARITY = {"jaccard": 0.2, "embedding": 0.6}  # below this the two passages tell different things
EXPLAIN = ("similarity: token Jaccard (or embedding cosine) of the two closest passages of these outlets; "
           "changes: the word runs that differ between them")


@dataclass(frozen=True)
class Change(JsonMixin):
    op: str  # "replace" | "delete" (only in a) | "insert" (only in b)
    a: Span | None
    b: Span | None


@dataclass(frozen=True)
class WordingDiff(JsonMixin):
    outlet_a: str
    outlet_b: str
    passage_a: int
    passage_b: int
    similarity: float
    method: str  # "jaccard" | "embedding"
    changes: list[Change] = field(default_factory=list)
    explain: str = EXPLAIN


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def diff_passages(a: PassageIn, b: PassageIn) -> list[Change]:
    """Word-level differences between two passages, as spans into each."""
    ta, tb = words(a.text), words(b.text)
    matcher = difflib.SequenceMatcher(a=[w for w, _, _ in ta], b=[w for w, _, _ in tb], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        sa = span_of(a, ta[i1][1], ta[i2 - 1][2]) if i2 > i1 else None
        sb = span_of(b, tb[j1][1], tb[j2 - 1][2]) if j2 > j1 else None
        out.append(Change(op, sa, sb))
    return out


def closest_pairs(passages: list[PassageIn], *, embed=None, max_pairs: int = MAX_PAIRS) -> list[WordingDiff]:
    """One diff per pair of outlets (their most similar passages), most similar pairs first; pairs
    whose closest passages are still unrelated (below MIN_SIMILARITY) get no diff."""
    groups = by_outlet(passages)
    if len(groups) < 2:
        return []
    if embed is not None:
        import numpy as np

        vecs = np.asarray(embed([p.text for p in passages]), dtype=float)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
        index = {p.id: i for i, p in enumerate(passages)}
        sim = lambda x, y: float(vecs[index[x.id]] @ vecs[index[y.id]])  # noqa: E731
        method = "embedding"
    else:
        bags = {p.id: {w for w, _, _ in words(p.text)} for p in passages}
        sim = lambda x, y: jaccard(bags[x.id], bags[y.id])  # noqa: E731
        method = "jaccard"
    best = []
    for oa, ob in combinations(groups, 2):
        a, b = max(((x, y) for x in groups[oa] for y in groups[ob]), key=lambda xy: sim(*xy))
        best.append((sim(a, b), oa, ob, a, b))
    best = sorted((t for t in best if t[0] >= MIN_SIMILARITY[method]), key=lambda t: -t[0])
    return [WordingDiff(oa, ob, a.id, b.id, s, method, diff_passages(a, b)) for s, oa, ob, a, b in best[:max_pairs]]
