"""The framing panels of the event, story and snapshot pages, built from the framing JSON (live, or
frozen in a snapshot) and the page's view; app.web.signals builds each panel's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.browse.framing import outlet_label
from app.browse.views import EventComparison, StoryOverview
from app.web.highlights import Segment, framing_spans, highlight
from app.web.outlets import OutletLink, PageOutlets
from app.web.signals import (
    DiffView,
    NamingRow,
    OutletAttribution,
    OutletOneSided,
    OutletTone,
    OutletWording,
    attribution_rows,
    diff_views,
    distancing_contrast,
    naming_rows,
    one_sided_rows,
    tone_rows,
    wording_rows,
)


@dataclass
class Panels:
    page: PageOutlets  # every outlet's label, place and colour on the page
    outlets: list[OutletLink]  # those the framing covers, in the page's order
    naming: list[NamingRow]
    naming_more: int  # referents left out of the table
    wording: list[OutletWording]
    attribution: list[OutletAttribution]
    distancing_contrast: str
    tone: list[OutletTone]
    highlights: dict[int, list[Segment]]
    diffs: list[DiffView] = field(default_factory=list)
    omitted_by: list[OutletLink] = field(default_factory=list)
    independence: dict[str, Any] | None = None
    copy_groups: list[list[OutletLink]] = field(default_factory=list)
    one_sided: list[OutletOneSided] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)  # what differs (app.framing.findings), ranked


def _common(framing: dict, page: PageOutlets, texts: dict[int, str]) -> Panels:
    """Every panel's rows in the page's outlet order, each outlet with the page's label and colour."""
    link = page.link
    outlets = page.ordered(framing.get("outlets", []))

    def ordered(rows):
        return sorted(rows, key=lambda r: page.place(r.outlet.label))

    naming, more = naming_rows(framing, outlets)
    attribution = ordered(attribution_rows(framing, link)[0])
    return Panels(
        page=page,
        outlets=[link(o) for o in outlets],
        naming=naming,
        naming_more=more,
        wording=ordered(wording_rows(framing, link)),
        attribution=attribution,
        distancing_contrast=distancing_contrast(attribution),
        tone=ordered(tone_rows(framing, link)),
        one_sided=ordered(one_sided_rows(framing, link)),
        highlights=highlight(list(texts.items()), framing_spans(framing)),
        findings=list(framing.get("findings") or []),  # none in snapshots made before findings existed
    )


def event_panels(comparison: EventComparison) -> Panels | None:
    """Panels of an event page (or an event snapshot) from comparison.framing; None without framing."""
    framing = comparison.framing
    if not framing:
        return None
    texts = {p.id: p.text for col in comparison.columns for p in col.passages}
    page = PageOutlets.of(comparison.columns + comparison.missing, comparison.story_order)
    panels = _common(framing, page, texts)
    panels.diffs = diff_views(framing, texts, page.link)
    omitted = page.ordered(framing.get("omitted_by", []))
    panels.omitted_by = [page.link(o) for o in omitted] or [page.by_key[c.key] for c in comparison.missing]
    return panels


def story_panels(overview: StoryOverview) -> Panels | None:
    """Panels of a story page (or a story snapshot) from overview.framing; None without framing."""
    framing = overview.framing
    if not framing:
        return None
    texts = {p.id: p.text for e in overview.events for col in e.columns for p in col.passages}
    texts |= {p.id: p.text for col in overview.columns for p in col.only_here}
    panels = _common(framing, PageOutlets.of(overview.columns), texts)
    panels.independence = framing.get("independence")
    articles = {a.id: a for col in overview.columns for a in col.articles}
    panels.copy_groups = [
        [
            OutletLink(
                f"{articles[i].display_title} ({outlet_label(articles[i].outlet.name, i)})",
                articles[i].path,
            )
            if i in articles
            else OutletLink(f"article {i}", None)
            for i in g["article_ids"]
        ]
        for g in (panels.independence or {}).get("groups", [])
    ]
    return panels
