"""The framing panels of the event, story and snapshot pages, built from the framing JSON (live, or
frozen in a snapshot) and the page's view; app.web.signals builds each panel's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.browse.framing import column_label
from app.browse.views import EventComparison, OutletColumn, StoryOverview
from app.web.highlights import Segment, framing_spans, highlight
from app.web.signals import (
    DiffView,
    NamingRow,
    OutletAttribution,
    OutletLink,
    OutletOneSided,
    OutletTone,
    OutletWording,
    attribution_rows,
    diff_views,
    naming_rows,
    one_sided_rows,
    tone_rows,
    wording_rows,
)


@dataclass
class Panels:
    outlets: list[OutletLink]
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


def _links(columns: list[OutletColumn]) -> dict[str, OutletLink]:
    out = {}
    for col in columns:
        href = col.outlet.path or (col.articles[0].path if col.articles else None)
        out[column_label(col)] = OutletLink(column_label(col), href)
    return out


def _common(framing: dict, columns: list[OutletColumn], texts: dict[int, str]) -> Panels:
    links = _links(columns)

    def link(label: str) -> OutletLink:
        return links.get(label) or OutletLink(label, None)

    naming, more = naming_rows(framing, framing.get("outlets", []))
    attribution, contrast = attribution_rows(framing, link)
    return Panels(
        outlets=[link(o) for o in framing.get("outlets", [])],
        naming=naming,
        naming_more=more,
        wording=wording_rows(framing, link),
        attribution=attribution,
        distancing_contrast=contrast,
        tone=tone_rows(framing, link),
        one_sided=one_sided_rows(framing, link),
        highlights=highlight(list(texts.items()), framing_spans(framing)),
        findings=list(framing.get("findings") or []),  # none in snapshots made before findings existed
    )


def event_panels(comparison: EventComparison) -> Panels | None:
    """Panels of an event page (or an event snapshot) from comparison.framing; None without framing."""
    framing = comparison.framing
    if not framing:
        return None
    texts = {p.id: p.text for col in comparison.columns for p in col.passages}
    panels = _common(framing, comparison.columns + comparison.missing, texts)
    links = {o.label: o for o in panels.outlets} | _links(comparison.missing)
    panels.diffs = diff_views(framing, texts, lambda label: links.get(label) or OutletLink(label, None))
    panels.omitted_by = [links.get(o) or OutletLink(o, None) for o in framing.get("omitted_by", [])] or [
        OutletLink(column_label(c), c.outlet.path or c.articles[0].path) for c in comparison.missing
    ]
    return panels


def story_panels(overview: StoryOverview) -> Panels | None:
    """Panels of a story page (or a story snapshot) from overview.framing; None without framing."""
    framing = overview.framing
    if not framing:
        return None
    texts = {p.id: p.text for e in overview.events for col in e.columns for p in col.passages}
    texts |= {p.id: p.text for col in overview.columns for p in col.only_here}
    panels = _common(framing, overview.columns, texts)
    panels.independence = framing.get("independence")
    articles = {a.id: a for col in overview.columns for a in col.articles}
    panels.copy_groups = [
        [
            OutletLink(
                f"{articles[i].display_title} ({articles[i].outlet.name or 'outlet unknown'})",
                articles[i].path,
            )
            if i in articles
            else OutletLink(f"article {i}", None)
            for i in g["article_ids"]
        ]
        for g in (panels.independence or {}).get("groups", [])
    ]
    return panels
