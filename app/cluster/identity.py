"""Stable identity for regrouped clusters: a new group keeps an old id when it is essentially
the same group, and an old id that disappears points at the group that took most of its
members. Pure functions over sets of member ids (article ids for stories, passage ids for
events)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Matching:
    kept: dict[int, int] = field(default_factory=dict)  # new group index -> old id it keeps
    successors: dict[int, int] = field(default_factory=dict)  # vanished old id -> new group index


def match_groups(old: Mapping[int, set[int]], new: Sequence[set[int]]) -> Matching:
    """Pair old and new groups greedily by shared members, largest overlap first (ties: lower
    old id, then lower new index, so the result is deterministic). A pair counts as the same
    group when the overlap is at least half of either side: a story that grew keeps its id, and
    of a story that split, the part holding most of it keeps the id."""
    member_to_new = {m: i for i, group in enumerate(new) for m in group}
    overlaps: dict[tuple[int, int], int] = {}
    for old_id, members in old.items():
        for m in members:
            if m in member_to_new:
                key = (old_id, member_to_new[m])
                overlaps[key] = overlaps.get(key, 0) + 1
    result = Matching()
    used_old: set[int] = set()
    for (old_id, index), shared in sorted(overlaps.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1])):
        if old_id in used_old or index in result.kept:
            continue
        if 2 * shared >= len(old[old_id]) or 2 * shared >= len(new[index]):
            result.kept[index] = old_id
            used_old.add(old_id)
    for old_id in sorted(old):
        if old_id in used_old:
            continue
        best = [(shared, -index) for (oid, index), shared in overlaps.items() if oid == old_id]
        if best:
            result.successors[old_id] = -max(best)[1]
    return result
