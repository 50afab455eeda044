"""An outlet's framing profile over its most recent stories (app/framing/profile.py), from the
story framings kept in the database only: nothing is analysed for the outlet page, and the page says
how many of those stories had a framing to read. It reads the latest framing kept of each story
without checking that it still matches the story's passages: after a change the worker frames the
story again (app/pipeline.py), so a profile lags a change by that much. Three queries whatever the
outlet's size."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.browse.framing import outlet_label
from app.browse.views import EventRef, StoryRef
from app.db.models import Article, Event, Framing, Outlet, Story
from app.framing.profile import PARTS, STANCES, OutletProfile, outlet_profile

RECENT_STORIES = 30  # the stories the profile reads, most recently updated first: a bounded page


@dataclass(frozen=True)
class OutletProfileView:
    profile: OutletProfile
    recent: int  # the outlet's stories read for the profile (at most RECENT_STORIES)
    kept: int  # of them, stories with a framing kept
    stories: dict[int, StoryRef]
    events: dict[int, EventRef]

    @property
    def stance_rows(self) -> list[StanceRow]:
        mix = self.profile.stance
        if mix is None:
            return []
        own, others = sum(mix.own.values()) or 1, sum(mix.others.values()) or 1
        return [StanceRow(s, mix.own[s], round(100 * mix.own[s] / own), mix.others[s],
                          round(100 * mix.others[s] / others)) for s in STANCES]


@dataclass(frozen=True)
class StanceRow:
    stance: str
    own: int
    own_percent: int
    others: int
    others_percent: int

    @property
    def own_width(self) -> int:  # in twentieths, for the .w-N classes
        return round(self.own_percent / 5)

    @property
    def others_width(self) -> int:
        return round(self.others_percent / 5)


def get_outlet_profile(*, session: Session, outlet_id: int) -> OutletProfileView | None:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        return None
    recent = session.scalars(
        select(Story).where(Story.id.in_(select(Article.story_id).where(Article.outlet_id == outlet.id)))
        .order_by(Story.updated_at.desc(), Story.id.desc()).limit(RECENT_STORIES)
    ).all()
    order = {s.id: i for i, s in enumerate(recent)}
    rows = session.execute(
        select(Framing.subject_id, *(Framing.body[part] for part in PARTS))
        .where(Framing.kind == "story", Framing.subject_id.in_(list(order)))
    ).all()
    framings = sorted(((row[0], dict(zip(PARTS, row[1:], strict=True))) for row in rows), key=lambda f: order[f[0]])
    profile = outlet_profile(outlet_label(outlet.name, 0), framings)
    event_ids = [x.event_id for x in profile.left_out]
    events = session.scalars(select(Event).where(Event.id.in_(event_ids))).all() if event_ids else []
    return OutletProfileView(profile=profile, recent=len(recent), kept=len(framings),
                             stories={s.id: StoryRef.of(s) for s in recent},
                             events={e.id: EventRef.of(e) for e in events})

