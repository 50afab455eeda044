"""Scores for events against ECB+'s gold event coreference (../shared/datasets/README.md, "Scores
to report for events"). Pure functions: records and the app's passages and events in, figures out.

The pairs: the passages the app stored that overlap an annotated sentence, two at a time from two
different articles. A pair is gold-positive when the two passages hold mentions of one chain
("primary": when their primary chains are the same), predicted-positive when a grouping put them
in one event. Within-event pairs come from two articles of one gold `event`; across-event pairs
are every pair of the file (story errors included).

References on the same pairs: MiniLM cosine of the two passages above a threshold (tuned on the
file, and chosen on the other topics for the cross-validated figure), and "every pair of the gold
event" (the whole event as one row).
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _squeeze(text: str) -> tuple[str, list[int]]:
    """`text` with whitespace runs made one space (NFC, invisibles dropped), and for each of its
    characters the index it came from in `text`."""
    out, index, space = [], [], False
    for k, ch in enumerate(text):
        ch = unicodedata.normalize("NFC", ch).translate(_INVISIBLE)
        if not ch:
            continue
        if ch.isspace():
            if not space and out:
                out.append(" ")
                index.append(k)
            space = True
            continue
        space = False
        for c in ch:
            out.append(c)
            index.append(k)
    return "".join(out), index


def locate(raw: str, passages: list[str]) -> list[tuple[int, int] | None]:
    """Each passage's [start, end) in the raw record text, found in order (the app cleans the
    text, so its own offsets are into the clean text, not the raw one)."""
    squeezed, index = _squeeze(raw)
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for text in passages:
        needle = _squeeze(text)[0].strip()
        at = squeezed.find(needle, cursor)
        if at < 0:
            at = squeezed.find(needle)
        if at < 0 or not needle:
            spans.append(None)
            continue
        end = at + len(needle) - 1
        spans.append((index[at], index[end] + 1))
        cursor = at + 1
    return spans


@dataclass
class ScoredPassage:
    key: object  # the caller's id of the passage
    article: int  # index of the record
    gold_event: str
    topic: str
    chains: frozenset[str]
    primary: str | None


@dataclass
class Universe:
    """The annotated passages of a file and their gold."""

    passages: list[ScoredPassage]
    chain_articles: dict[str, int] = field(default_factory=dict)


def annotated_passages(records: list[dict], passages_by_record: list[list[tuple[object, str]]]) -> Universe:
    """From each record's stored passages [(key, text)], those that overlap an annotated sentence,
    with the chains of the text mentions inside them."""
    located = []
    for i, (record, passages) in enumerate(zip(records, passages_by_record, strict=True)):
        meta = record.get("meta") or {}
        sentences = meta.get("annotated_sentences") or []
        mentions = [m for m in meta.get("event_mentions") or [] if m.get("field", "text") == "text"]
        for (key, _text), span in zip(passages, locate(record["text"], [t for _, t in passages]), strict=True):
            if span is None or not any(s < span[1] and span[0] < e for s, e in sentences):
                continue
            inside = [m["chain"] for m in mentions if span[0] <= m["start"] and m["end"] <= span[1]]
            located.append((i, key, record, inside))
    reach: dict[str, set[int]] = defaultdict(set)
    for i, _key, _record, inside in located:
        for c in inside:
            reach[c].add(i)
    first_seen: dict[str, int] = {}
    for n, (_i, _key, _record, inside) in enumerate(located):
        for c in inside:
            first_seen.setdefault(c, n)
    out = []
    for i, key, record, inside in located:
        counts = Counter(inside)
        primary = min(counts, key=lambda c: (-counts[c], -len(reach[c]), first_seen[c])) if counts else None
        out.append(ScoredPassage(key=key, article=i, gold_event=record["event"],
                                 topic=str((record.get("meta") or {}).get("topic", "")),
                                 chains=frozenset(counts), primary=primary))
    return Universe(out, {c: len(a) for c, a in reach.items()})


@dataclass
class Pairs:
    """Index pairs (i < j) of Universe.passages with their gold."""

    i: np.ndarray
    j: np.ndarray
    gold: np.ndarray  # a shared chain
    gold_primary: np.ndarray  # the same primary chain
    within: np.ndarray  # both in one gold event
    topic: np.ndarray  # topic of the first passage (both share it when within)


def pairs_of(universe: Universe) -> Pairs:
    ps = universe.passages
    n = len(ps)
    i, j = np.triu_indices(n, 1)
    article = np.array([p.article for p in ps])
    keep = article[i] != article[j]
    i, j = i[keep], j[keep]
    event = np.array([p.gold_event for p in ps])
    topic = np.array([p.topic for p in ps])
    gold = np.array([bool(ps[a].chains & ps[b].chains) for a, b in zip(i.tolist(), j.tolist(), strict=True)],
                    dtype=bool)
    primary = np.array([p.primary or f"none-{k}" for k, p in enumerate(ps)])
    return Pairs(i, j, gold, primary[i] == primary[j], event[i] == event[j], topic[i])


def prf(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = int(np.sum(predicted & gold))
    p = tp / max(1, int(predicted.sum()))
    r = tp / max(1, int(gold.sum()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def same_group(universe: Universe, group_of: dict[object, object], pairs: Pairs) -> np.ndarray:
    """Predicted-positive: both passages in one (non-null) group of `group_of` (passage key -> group)."""
    g = [group_of.get(p.key) for p in universe.passages]
    return np.array([g[a] is not None and g[a] == g[b] for a, b in zip(pairs.i.tolist(), pairs.j.tolist(),
                                                                        strict=True)], dtype=bool)


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The cut of `scores` with the best F1 on `gold` (candidates: the score quantiles)."""
    if not len(scores):
        return 0.0
    cuts = np.unique(np.quantile(scores, np.linspace(0, 1, 201)))
    return float(max(cuts, key=lambda t: (prf(scores >= t, gold)[2], -t)))


def cross_validated(scores: np.ndarray, gold: np.ndarray, topics: np.ndarray) -> np.ndarray:
    """Predictions with each topic's threshold chosen on the other topics only."""
    predicted = np.zeros_like(gold)
    for topic in np.unique(topics):
        held = topics == topic
        predicted[held] = scores[held] >= best_threshold(scores[~held], gold[~held])
    return predicted


def chains_lined_up(universe: Universe, pairs: Pairs, predicted: np.ndarray) -> tuple[int, int]:
    """(chains that one predicted-positive pair holds on both sides, chains reaching >= 2 articles)."""
    ps = universe.passages
    lined: set[str] = set()
    for a, b in zip(pairs.i[predicted].tolist(), pairs.j[predicted].tolist(), strict=True):
        lined |= ps[a].chains & ps[b].chains
    wanted = {c for c, reach in universe.chain_articles.items() if reach >= 2}
    return len(lined & wanted), len(wanted)


def fmt(p: float, r: float, f: float) -> str:
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def report(universe: Universe, pairs: Pairs, groupings: dict[str, np.ndarray], cosine: np.ndarray,
           per_topic: bool = True) -> list[str]:
    """The figures of each named grouping (predicted-positive per pair) beside both references."""
    w = pairs.within
    lines = [f"{len(universe.passages)} annotated passages, {int(w.sum())} within-event pairs "
             f"({int(pairs.gold[w].sum())} gold-positive), {len(w)} pairs in all"]
    t_within = best_threshold(cosine[w], pairs.gold[w])
    t_primary = best_threshold(cosine[w], pairs.gold_primary[w])
    t_across = best_threshold(cosine, pairs.gold)
    refs = {
        f"MiniLM cosine >= {t_within:.2f} (tuned on the file)": {
            "within": cosine >= t_within, "primary": cosine >= t_primary, "across": cosine >= t_across},
        "MiniLM cosine, threshold chosen on the other topics": {
            "within": _cv_on(cosine, pairs.gold, pairs.topic, w),
            "primary": _cv_on(cosine, pairs.gold_primary, pairs.topic, w),
            "across": cross_validated(cosine, pairs.gold, pairs.topic)},
        "every pair of the gold event": {"within": w.copy(), "primary": w.copy(), "across": w.copy()},
        "ORACLE (reads the gold): every pair, unlinked passages out": _oracle(universe, pairs),
    }
    table = {name: {"within": pred, "primary": pred, "across": pred} for name, pred in groupings.items()}
    table.update(refs)
    lines.append(f"{'':58s} {'within-event':>30s} | {'primary chain':>30s} | {'across events':>30s} | lined up")
    for name, preds in table.items():
        within = prf(preds["within"][w], pairs.gold[w])
        primary = prf(preds["primary"][w], pairs.gold_primary[w])
        across = prf(preds["across"], pairs.gold)
        lined, wanted = chains_lined_up(universe, pairs, preds["within"] & w)
        lines.append(f"{name[:58]:58s} {fmt(*within)} | {fmt(*primary)} | {fmt(*across)} | {lined}/{wanted}")
    if per_topic:
        lines.append("within-event F1 per topic: " + "  ".join(
            f"{name}" for name in groupings) + "  | MiniLM (tuned on the file) | every pair")
        for topic in sorted(set(pairs.topic[w].tolist()), key=lambda t: (len(t), t)):
            sel = w & (pairs.topic == topic)
            figs = [prf(pred[sel], pairs.gold[sel])[2] for pred in groupings.values()]
            figs += [prf(cosine[sel] >= t_within, pairs.gold[sel])[2], prf(sel[sel], pairs.gold[sel])[2]]
            lines.append(f"    {topic:>20s} ({int(sel.sum()):4d} pairs) " + "  ".join(f"{f:.3f}" for f in figs))
    return lines


def _oracle(universe: Universe, pairs: Pairs) -> dict[str, np.ndarray]:
    """A ceiling, not a reference: "every pair of the gold event" with the passages that hold no
    cross-document mention left out, which only the gold can tell (on ECB+ most of them report
    the main happening in words the annotators did not link). No grouping of the app's passages
    into one row per story can score above it, and an app row that splits the story must tell
    pairs that share a chain from those that do not."""
    linked = np.array([bool(p.chains) for p in universe.passages])
    keep = pairs.within & linked[pairs.i] & linked[pairs.j]
    return {"within": keep, "primary": keep.copy(), "across": keep.copy()}


def _cv_on(scores: np.ndarray, gold: np.ndarray, topics: np.ndarray, subset: np.ndarray) -> np.ndarray:
    out = np.zeros_like(subset)
    out[subset] = cross_validated(scores[subset], gold[subset], topics[subset])
    return out
