"""An outlet's framing across its stories: the names it prefers where the other outlets use other
words, its reporting-verb stance mix and tone against the other outlets of the same stories, and
the events it leaves out that at least two other outlets report. Plain StoryFraming JSON in (the
parts named in PARTS), one OutletProfile out; every statement keeps the stories (or events) that
show it, and a pattern is only stated when it holds in at least MIN_STORIES stories."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from app.framing.common import JsonMixin
from app.framing.findings import same_name

PARTS = ("outlets", "naming", "attribution", "tone", "coverage")  # what the profile reads of a StoryFraming
MIN_STORIES = 2  # a preference, a stance mix or a tone gap is stated when it holds in this many stories
MIN_STATEMENTS = 3  # the outlet's own reported statements, for a stance mix
MIN_REPORTERS = 2  # an event counts as left out when at least this many other outlets report it
TOP_NAMES = 8
TOP_LEFT_OUT = 10
STANCES = ("neutral", "distancing", "endorsing", "emphatic")


@dataclass(frozen=True)
class PreferredName(JsonMixin):
    referent: str
    term: str  # the outlet's main expression for the referent
    others: list[str]  # the other outlets' main expressions in the same stories, most stories first
    stories: list[int]  # where it does so, most recent first


@dataclass(frozen=True)
class StanceMix(JsonMixin):
    own: dict[str, int]  # stance -> its reported statements
    others: dict[str, int]  # stance -> the other outlets' statements in the same stories
    stories: int
    distancing_verbs: list[tuple[str, int]]  # its distancing verbs, most used first
    distancing_stories: list[int]  # stories where it uses them


@dataclass(frozen=True)
class ToneGap(JsonMixin):
    story_id: int
    own: float  # its mean VADER compound in the story
    others: float  # the other outlets' means, averaged

    @property
    def gap(self) -> float:
        return self.own - self.others


@dataclass(frozen=True)
class ToneProfile(JsonMixin):
    mean_gap: float
    stories: list[ToneGap]  # widest gap first


@dataclass(frozen=True)
class LeftOut(JsonMixin):
    event_id: int
    story_id: int
    reported_by: int  # other outlets that report it


@dataclass(frozen=True)
class OutletProfile(JsonMixin):
    outlet: str
    stories: int  # stories whose framing has this outlet
    compared: int  # of them, stories with at least one other outlet
    names: list[PreferredName] = field(default_factory=list)
    stance: StanceMix | None = None
    tone: ToneProfile | None = None
    left_out: list[LeftOut] = field(default_factory=list)  # most reported first
    left_out_total: int = 0
    shared_events: int = 0  # events of its stories that MIN_REPORTERS other outlets report

    @property
    def enough(self) -> bool:
        return self.compared >= MIN_STORIES


def _key(term: str) -> str:
    return term.lower().removeprefix("the ")


def _names(outlet: str, framings: list[tuple[int, dict]]) -> list[PreferredName]:
    found: dict[tuple[str, str], tuple[str, str, Counter, list[int]]] = {}
    shown: dict[str, str] = {}  # an expression as first written, by its key
    for story_id, framing in framings:
        for row in framing.get("naming") or []:
            terms = row.get("terms") or {}
            mine = terms.get(outlet)
            others = [ts[0]["term"] for o, ts in terms.items() if o != outlet and ts]
            if not mine or not others or any(same_name(mine[0]["term"], t) for t in others):
                continue
            term = mine[0]["term"]
            key = (row["referent"].lower(), _key(term))
            _, _, said, stories = found.setdefault(key, (row["referent"], term, Counter(), []))
            said.update({_key(t): 1 for t in others})
            for t in others:
                shown.setdefault(_key(t), t)
            if story_id not in stories:
                stories.append(story_id)
    names = [PreferredName(referent, term, [shown[t] for t, _ in said.most_common(3)], stories)
             for referent, term, said, stories in found.values() if len(stories) >= MIN_STORIES]
    return sorted(names, key=lambda n: (-len(n.stories), n.referent.lower()))[:TOP_NAMES]


def _stance(outlet: str, framings: list[tuple[int, dict]]) -> StanceMix | None:
    own, others, verbs = Counter(), Counter(), Counter()
    stories, distancing = 0, []
    for story_id, framing in framings:
        rows = framing.get("attribution") or []
        mine = next((r for r in rows if r["outlet"] == outlet), None)
        if mine is None or not sum(mine["stance_counts"].values()):
            continue
        stories += 1
        own.update(mine["stance_counts"])
        for r in rows:
            if r["outlet"] != outlet:
                others.update(r["stance_counts"])
        used = [a["verb"].lower() for a in mine.get("attributions") or [] if a.get("stance") == "distancing"]
        if used:
            verbs.update(used)
            distancing.append(story_id)
    if stories < MIN_STORIES or sum(own.values()) < MIN_STATEMENTS:
        return None
    return StanceMix({s: own[s] for s in STANCES}, {s: others[s] for s in STANCES}, stories,
                     verbs.most_common(5), distancing)


def _tone(outlet: str, framings: list[tuple[int, dict]]) -> ToneProfile | None:
    gaps = []
    for story_id, framing in framings:
        rows = {r["outlet"]: r["compound"] for r in framing.get("tone") or []}
        if outlet in rows and len(rows) > 1:
            gaps.append(ToneGap(story_id, rows[outlet], mean(c for o, c in rows.items() if o != outlet)))
    if len(gaps) < MIN_STORIES:
        return None
    return ToneProfile(mean(g.gap for g in gaps), sorted(gaps, key=lambda g: -abs(g.gap)))


def _left_out(outlet: str, framings: list[tuple[int, dict]]) -> tuple[list[LeftOut], int]:
    left, shared = [], 0
    for story_id, framing in framings:
        reporters: dict[str, set[str]] = {}
        for c in framing.get("coverage") or []:
            for event in c.get("events") or {}:
                reporters.setdefault(str(event), set()).add(c["outlet"])
        others = {e: len(who - {outlet}) for e, who in reporters.items()}
        shared += sum(n >= MIN_REPORTERS for n in others.values())
        left += [LeftOut(int(e), story_id, n) for e, n in others.items()
                 if n >= MIN_REPORTERS and outlet not in reporters[e]]
    return left, shared


def outlet_profile(outlet: str, framings: list[tuple[int, dict[str, Any]]]) -> OutletProfile:
    """The profile of `outlet` (its label in the framings) over (story id, StoryFraming JSON)
    pairs, most recent story first. Stories whose framing does not have the outlet are left out."""
    mine = [(s, f) for s, f in framings if outlet in (f.get("outlets") or [])]
    compared = [(s, f) for s, f in mine if len(f.get("outlets") or []) > 1]
    left, shared = _left_out(outlet, compared)
    ranked = sorted(left, key=lambda x: -x.reported_by)  # stable: most recent story first among equals
    return OutletProfile(outlet, len(mine), len(compared), _names(outlet, compared), _stance(outlet, compared),
                         _tone(outlet, compared), ranked[:TOP_LEFT_OUT], len(left), shared)
