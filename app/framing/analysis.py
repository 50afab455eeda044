"""Entry points: plain passages in, framing dataclasses out (each with to_json() for snapshots
and the API). One spaCy parse per passage feeds every signal; no database, no web."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.framing.attribution import OutletAttribution, analyse_attribution
from app.framing.common import JsonMixin, by_outlet, parse
from app.framing.coverage import OutletCoverage, analyse_coverage
from app.framing.diff import WordingDiff, closest_pairs
from app.framing.findings import Finding, event_findings, story_findings
from app.framing.independence import Independence, independence
from app.framing.inputs import PassageIn
from app.framing.naming import NamingRow, analyse_naming
from app.framing.one_sided import OutletOneSided, analyse_one_sided
from app.framing.tone import OutletTone, analyse_tone
from app.framing.wording import OutletWording, analyse_wording


@dataclass(frozen=True)
class EventFraming(JsonMixin):
    outlets: list[str]
    passages: int
    naming: list[NamingRow]
    wording: list[OutletWording]
    attribution: list[OutletAttribution]
    tone: list[OutletTone]
    diffs: list[WordingDiff]
    omitted_by: list[str] = field(default_factory=list)  # outlets in the story with no passage here
    one_sided: list[OutletOneSided] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what differs, strongest first (findings.py)
    explain: str = "omitted_by: outlets that cover the story but have no passage reporting this event"


@dataclass(frozen=True)
class StoryFraming(JsonMixin):
    outlets: list[str]
    articles: int
    passages: int
    coverage: list[OutletCoverage]
    independence: Independence
    naming: list[NamingRow]
    wording: list[OutletWording]
    attribution: list[OutletAttribution]
    tone: list[OutletTone]
    events: dict[int, EventFraming]
    one_sided: list[OutletOneSided] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what differs, strongest first (findings.py)
    explain: str = "story-wide signals over all its passages; events: the same signals per event"


def analyse_event(passages: list[PassageIn], *, story_passages: list[PassageIn] | None = None,
                  embed=None) -> EventFraming:
    """Framing of one event: the passages (from several outlets) that report one happening.
    story_passages (all passages of the story) give the wording prior and who omitted the event."""
    docs = parse(passages)
    outlets = list(by_outlet(passages))
    background = story_passages or passages
    omitted = [o for o in by_outlet(story_passages or []) if o not in outlets]
    naming = analyse_naming(passages, docs, embed=embed)
    attribution = analyse_attribution(passages, docs)
    tone = analyse_tone(passages, docs)
    one_sided = analyse_one_sided(passages, docs)
    return EventFraming(
        outlets, len(passages), naming,
        analyse_wording(passages, background=background, docs=docs),
        attribution, tone,
        closest_pairs(passages, embed=embed),
        omitted, one_sided,
        event_findings(outlets=outlets, omitted_by=omitted, naming_rows=naming, attribution=attribution,
                       tone_rows=tone, one_sided_rows=one_sided))


def analyse_story(passages_by_event: dict[int, list[PassageIn]], unassigned: list[PassageIn], *,
                  embed=None) -> StoryFraming:
    """Framing of a story: story-wide signals, coverage and independence, and each event's framing."""
    everything = [p for ps in passages_by_event.values() for p in ps] + list(unassigned)
    docs = parse(everything)
    texts: dict[int, list[PassageIn]] = {}
    for p in everything:
        texts.setdefault(p.article_id, []).append(p)
    articles = {a: "\n\n".join(p.text for p in sorted(ps, key=lambda p: p.id)) for a, ps in texts.items()}
    events = {e: analyse_event(ps, story_passages=everything, embed=embed)
              for e, ps in passages_by_event.items() if ps}
    coverage = analyse_coverage(passages_by_event, unassigned)
    copies = independence(articles)
    naming = analyse_naming(everything, docs, embed=embed)
    attribution = analyse_attribution(everything, docs)
    tone = analyse_tone(everything, docs)
    one_sided = analyse_one_sided(everything, docs)
    return StoryFraming(
        list(by_outlet(everything)), len(articles), len(everything), coverage, copies, naming,
        analyse_wording(everything, docs=docs), attribution, tone, events, one_sided,
        story_findings(coverage=coverage, independence=copies, naming_rows=naming, attribution=attribution,
                       tone_rows=tone, one_sided_rows=one_sided))


WARM_UP = [  # a story small enough to analyse in a moment, wide enough to load every model and word list
    PassageIn(id=-1, article_id=-1, outlet="A", text='The senator said the rushed deal was "a disaster" for the '
              "city, and the council called the vote shameful."),
    PassageIn(id=-2, article_id=-2, outlet="B", text="Officials praised the deal, which the mayor described as a "
              "historic win for the council and its migrants."),
]


def warm_up() -> None:
    """Analyse WARM_UP once: what the first analysis in a process loads (spaCy, word frequencies,
    lexicons, fitted word models, compiled patterns; about a second) is loaded before any reader."""
    analyse_story({-1: WARM_UP}, []).to_json()
