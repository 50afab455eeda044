"""One framing panel's rows each (naming, wording, attribution, tone, wording diff), built from the
framing JSON: every number comes with the words that say what it counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.framing.attribution import STANCES
from app.web.highlights import Mark, Segment, segments
from app.web.outlets import OutletLink

NAMING_ROWS = 12
TERMS_PER_OUTLET = 5
SCALE = 20  # bar widths come in 5 % steps: CSS classes w-0 ... w-20


@dataclass(frozen=True)
class NamingRow:
    referent: str
    kind: str
    varied: bool
    cells: list[list[tuple[str, int]]]  # per outlet (in panel order): (expression, times used)


@dataclass(frozen=True)
class TermView:
    term: str
    count: int
    others: int
    z: float
    meaning: str
    passage_id: int | None


@dataclass(frozen=True)
class LoadedView:
    text: str
    category: str
    passage_id: int


@dataclass(frozen=True)
class OutletWording:
    outlet: OutletLink
    terms: list[TermView]
    loaded: list[LoadedView]
    quoted: list[LoadedView]  # loaded terms inside direct quotes: the speakers' words


@dataclass(frozen=True)
class AttributionRow:
    speaker: str
    verb: str
    stance: str
    flags: list[str]
    passage_id: int


@dataclass(frozen=True)
class OutletAttribution:
    outlet: OutletLink
    rows: list[AttributionRow]
    stance_counts: dict[str, int]
    verbs_by_stance: dict[str, list[str]]
    vague: int  # attributions to a vague source or to no one
    loose_quotes: int  # quotations with no speaker


@dataclass(frozen=True)
class Sentence:
    text: str
    compound: float
    meaning: str
    passage_id: int


@dataclass(frozen=True)
class OutletTone:
    outlet: OutletLink
    compound: float
    meaning: str
    negative_width: int  # of SCALE, on the left half of the bar
    positive_width: int
    subjectivity: int  # percent of content words
    subjectivity_width: int
    passages: int
    strongest: list[Sentence]


@dataclass(frozen=True)
class DiffView:
    a: OutletLink
    b: OutletLink
    similarity: float
    method: str
    a_segments: list[Segment]
    b_segments: list[Segment]
    changes: int


def tone_words(c: float) -> str:
    """VADER's own cut-offs: |compound| < 0.05 is neutral."""
    if c <= -0.5:
        return "strongly negative wording"
    if c <= -0.05:
        return "somewhat negative wording"
    if c < 0.05:
        return "neutral wording"
    return "somewhat positive wording" if c < 0.5 else "strongly positive wording"


def z_words(z: float) -> str:
    """One word per row; the wording panel's "How to read this" says once what each means."""
    if z >= 1.96:
        return "significant"
    return "clear" if z >= 1 else "weak"


def _width(fraction: float) -> int:
    return max(0, min(SCALE, round(abs(fraction) * SCALE)))


def naming_rows(framing: dict, outlets: list[str]) -> tuple[list[NamingRow], int]:
    rows = sorted(framing.get("naming", []), key=lambda r: not r["varied"])  # stable: keeps the core's order
    out = [
        NamingRow(
            r["referent"],
            r["kind"],
            r["varied"],
            [[(t["term"], t["count"]) for t in r["terms"].get(o, [])] for o in outlets],
        )
        for r in rows[:NAMING_ROWS]
    ]
    return out, max(0, len(rows) - NAMING_ROWS)


def wording_rows(framing: dict, link: Callable[[str], OutletLink]) -> list[OutletWording]:
    out = []
    for w in framing.get("wording", []):
        terms = [
            TermView(
                d["term"],
                d["count"],
                d["others"],
                d["z"],
                z_words(d["z"]),
                d["spans"][0]["passage_id"] if d["spans"] else None,
            )
            for d in w["distinctive"][:TERMS_PER_OUTLET]
        ]
        loaded, quoted = ([LoadedView(h["span"]["text"], h["category"], h["span"]["passage_id"]) for h in w.get(key, [])]
                          for key in ("loaded", "quoted_loaded"))  # an older snapshot has no quoted_loaded
        out.append(OutletWording(link(w["outlet"]), terms, loaded, quoted))
    return out


def attribution_rows(framing: dict, link: Callable[[str], OutletLink]) -> tuple[list[OutletAttribution], str]:
    out = []
    for a in framing.get("attribution", []):
        rows, by_stance = [], {s: [] for s in STANCES}
        for r in a["attributions"]:
            flags = (
                [{"vague": "vague source", "unattributed": "no speaker named"}[r["source"]]]
                if r["source"] in ("vague", "unattributed")
                else []
            )
            flags += [f for f, on in (("negated", r["negated"]), ("inside a quote", r["inside_quote"])) if on]
            rows.append(
                AttributionRow(
                    r["speaker"] or "—", r["verb"], r["stance"], flags, r["verb_span"]["passage_id"]
                )
            )
            if not r["inside_quote"] and r["verb"] not in by_stance.setdefault(r["stance"], []):
                by_stance[r["stance"]].append(r["verb"])
        out.append(
            OutletAttribution(
                link(a["outlet"]),
                rows,
                a["stance_counts"],
                by_stance,
                a["vague_or_unattributed"],
                len(a["unattributed_quotes"]),
            )
        )
    return out, distancing_contrast(out)


def quoted(verbs: list[str]) -> str:
    return ", ".join(f"‘{v}’" for v in verbs)


def distancing_contrast(outlets: list[OutletAttribution]) -> str:
    """One sentence that makes "claimed" against "said" impossible to miss."""
    if len(outlets) < 2:
        return ""
    doubting = [o for o in outlets if o.verbs_by_stance.get("distancing")]
    plain = [o for o in outlets if not o.verbs_by_stance.get("distancing")]
    if not doubting:
        return "No outlet used a distancing verb such as ‘claimed’ to report what someone said."
    parts = [
        f"{o.outlet.label} reported with distancing verbs ({quoted(o.verbs_by_stance['distancing'])})"
        for o in doubting
    ]
    for o in plain:
        verbs = [v for s in ("neutral", "endorsing", "emphatic") for v in o.verbs_by_stance.get(s, [])][:4]
        parts.append(
            f"{o.outlet.label} used none"
            + (f" (it wrote {quoted(verbs)})" if verbs else "")
        )
    return "; ".join(parts) + "."


def tone_rows(framing: dict, link: Callable[[str], OutletLink]) -> list[OutletTone]:
    out = []
    for t in framing.get("tone", []):
        c = t["compound"]
        strongest = [
            Sentence(s["span"]["text"], s["compound"], tone_words(s["compound"]), s["span"]["passage_id"])
            for s in t["strongest"]
        ]
        out.append(
            OutletTone(
                link(t["outlet"]),
                c,
                tone_words(c),
                _width(c) if c < 0 else 0,
                _width(c) if c > 0 else 0,
                round(t["subjectivity"] * 100),
                _width(t["subjectivity"]),
                len(t["passages"]),
                strongest,
            )
        )
    return out


def diff_views(framing: dict, texts: dict[int, str], link: Callable[[str], OutletLink]) -> list[DiffView]:
    out = []
    for d in framing.get("diffs", []):
        if d["passage_a"] not in texts or d["passage_b"] not in texts:
            continue
        a_spans = [
            (c["a"]["start"], c["a"]["end"], Mark("del", f"only in {d['outlet_a']}"))
            for c in d["changes"]
            if c["a"]
        ]
        b_spans = [
            (c["b"]["start"], c["b"]["end"], Mark("ins", f"only in {d['outlet_b']}"))
            for c in d["changes"]
            if c["b"]
        ]
        out.append(
            DiffView(
                link(d["outlet_a"]),
                link(d["outlet_b"]),
                d["similarity"],
                d["method"],
                segments(d["passage_a"], texts[d["passage_a"]], a_spans),
                segments(d["passage_b"], texts[d["passage_b"]], b_spans),
                len(d["changes"]),
            )
        )
    return out


ONE_SIDED_SHOWN = 5


@dataclass(frozen=True)
class OneSidedView:
    text: str
    score: float
    cues: list[str]
    also_in: list[str]
    passage_id: int


@dataclass(frozen=True)
class OutletOneSided:
    outlet: OutletLink
    marked: int
    checked: int
    top: list[OneSidedView]  # the strongest ONE_SIDED_SHOWN, strongest first

    @property
    def share(self) -> int:
        return round(100 * self.marked / self.checked) if self.checked else 0


def one_sided_rows(framing: dict, link: Callable[[str], OutletLink]) -> list[OutletOneSided]:
    out = []
    for o in framing.get("one_sided", []):  # an older snapshot has none
        strongest = sorted(o["sentences"], key=lambda s: -s["score"])[:ONE_SIDED_SHOWN]
        top = [OneSidedView(s["span"]["text"], s["score"], s["cues"], s["also_in"], s["span"]["passage_id"])
               for s in strongest]
        out.append(OutletOneSided(link(o["outlet"]), len(o["sentences"]), o["checked"], top))
    return out
