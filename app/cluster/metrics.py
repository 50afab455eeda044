"""Clustering quality against gold labels: B-cubed precision/recall/F1 and the adjusted Rand
index. B-cubed scores each item by how much of its predicted cluster shares its gold label
(precision) and how much of its gold cluster was put with it (recall), averaged over items, so
big clusters cannot hide small mistakes. ARI is the pair-counting agreement corrected for chance
(0 for a random grouping, 1 for a perfect one)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from math import comb


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} ARI={self.ari:.3f}"


def _check(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted labels")


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) for two labelings of the same items."""
    _check(gold, predicted)
    n = len(gold)
    if n == 0:
        return 1.0, 1.0, 1.0
    joint = Counter(zip(gold, predicted, strict=True))
    gold_size = Counter(gold)
    pred_size = Counter(predicted)
    # Every item in the cell (g, p) sees joint[g, p] correct companions (itself included).
    precision = sum(c * c / pred_size[p] for (g, p), c in joint.items()) / n
    recall = sum(c * c / gold_size[g] for (g, p), c in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand_index(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Hubert & Arabie's ARI; 1.0 when both labelings are identical (including trivial ones)."""
    _check(gold, predicted)
    n = len(gold)
    if n < 2:
        return 1.0
    index = sum(comb(c, 2) for c in Counter(zip(gold, predicted, strict=True)).values())
    sum_gold = sum(comb(c, 2) for c in Counter(gold).values())
    sum_pred = sum(comb(c, 2) for c in Counter(predicted).values())
    expected = sum_gold * sum_pred / comb(n, 2)
    maximum = (sum_gold + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def labels_from_groups(groups: Sequence[Sequence[Hashable]], items: Sequence[Hashable]) -> list[Hashable]:
    """Turn groups of ids into one label per item (the group's index; a lone item its own label)."""
    label = {item: i for i, group in enumerate(groups) for item in group}
    return [label.get(item, ("single", item)) for item in items]


def score(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    p, r, f = bcubed(gold, predicted)
    return Scores(p, r, f, adjusted_rand_index(gold, predicted))
