"""Coverage and omission: which of a story's events each outlet reports (and with how many
passages), which events it leaves out that others report, and what it alone reports (its
passages that joined no event, and events no other outlet covers). What an outlet leaves out is
framing too, and the hardest kind to see from one article."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.framing.common import JsonMixin, Span, by_outlet, span_of
from app.framing.inputs import PassageIn

EXPLAIN = ("events: passages this outlet has in each event; missed: events other outlets report and this one "
           "does not; only_here: its passages in no event, and events no other outlet reports")


@dataclass(frozen=True)
class OutletCoverage(JsonMixin):
    outlet: str
    articles: list[int]
    passages: int
    events: dict[int, int]  # event id -> passages of this outlet in it
    missed_events: list[int]
    solo_events: list[int]  # events only this outlet reports
    only_here: list[Span] = field(default_factory=list)  # its unassigned passages, whole
    explain: str = EXPLAIN


def analyse_coverage(passages_by_event: dict[int, list[PassageIn]], unassigned: list[PassageIn]) -> list[OutletCoverage]:
    everything = [p for ps in passages_by_event.values() for p in ps] + list(unassigned)
    outlets = list(by_outlet(everything))
    reporters = {e: {p.outlet for p in ps} for e, ps in passages_by_event.items()}
    out = []
    for outlet in outlets:
        mine = [p for p in everything if p.outlet == outlet]
        events = {e: sum(p.outlet == outlet for p in ps) for e, ps in passages_by_event.items()}
        events = {e: n for e, n in events.items() if n}
        missed = sorted(e for e, who in reporters.items() if outlet not in who and who)
        solo = sorted(e for e, who in reporters.items() if who == {outlet})
        lonely = [span_of(p, 0, len(p.text)) for p in unassigned if p.outlet == outlet]
        out.append(OutletCoverage(outlet, sorted({p.article_id for p in mine}), len(mine), events, missed, solo,
                                  lonely))
    return out
