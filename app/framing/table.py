"""Framing as data: a story's or event's framing JSON (the `.to_json()` of analysis.py, as pages,
the API and snapshots get it) flattened into rows for researchers, one per event, outlet, signal,
item and measure, each with the words it points at, in an order that does not depend on whether the
framing was computed or read back from Postgres (whose JSON keeps its keys sorted). Pure: plain
dicts in, rows out, CSV and JSON text from them; the web downloads and `parallax export --framing`
share it.

The numbers are the panels' (app/web/signals.py reads the same JSON), unrounded: the page shows
subjectivity and containment as percents, and lists only the first few terms, referents and
sentences where these rows list them all. Evaluative words beyond the lexicon and each passage's
own tone, which no panel shows, are left out."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields

from app.framing.attribution import STANCES

COLUMNS = {
    "story_id": "the story",
    "event_id": "the event the row is about; empty for a story-wide signal",
    "outlet": "the outlet as the panels name it; empty for a row about no one outlet (a finding, a copy group)",
    "signal": "naming, distinctive_terms, loaded_wording, attribution, tone, one_sided, wording_diff, coverage, "
              "independence or finding",
    "item": "what is measured: the referent, term, speaker, sentence, outlet pair or finding kind",
    "label": "what tells the item apart: the expression, the lexicon category, the reporting verb, the cues",
    "measure": "what the value counts, in words",
    "value": "the number (a count, a z-score, a VADER compound, a share from 0 to 1, a score)",
    "passage_id": "the passage of the first span the item points at (the one the page links to)",
    "start": "that span's first character in the passage text",
    "end": "the character after that span",
    "text": "the exact words of the span: passage text [start:end]",
    "spans": "every span of the item, as passage_id:start-end separated by spaces",
}


@dataclass(frozen=True)
class Row:
    story_id: int | None
    event_id: int | None
    outlet: str
    signal: str
    item: str
    label: str
    measure: str
    value: float | int | None
    passage_id: int | None = None
    start: int | None = None
    end: int | None = None
    text: str = ""
    spans: str = ""


assert [f.name for f in fields(Row)] == list(COLUMNS)


def _row(ids: tuple, outlet: str, signal: str, item: str, label: str, measure: str, value,
         spans: Iterable[dict | None] = ()) -> Row:
    spans = [s for s in spans if s]
    first = spans[0] if spans else {}
    return Row(*ids, outlet, signal, item, label, measure, value, first.get("passage_id"), first.get("start"),
               first.get("end"), first.get("text", ""),
               " ".join(f"{s['passage_id']}:{s['start']}-{s['end']}" for s in spans))


def _naming(ids, framing: dict) -> Iterator[Row]:
    for r in framing.get("naming", []):
        yield _row(ids, "", "naming", r["referent"], r["kind"], "named differently by the outlets (1 yes, 0 no)",
                   int(r["varied"]))
        for outlet in framing.get("outlets", []):  # not the dict's order: Postgres keeps JSON keys sorted
            for t in r["terms"].get(outlet, []):
                yield _row(ids, outlet, "naming", r["referent"], t["term"], "times the outlet used the expression",
                           t["count"], t["spans"])


def _wording(ids, framing: dict) -> Iterator[Row]:
    for w in framing.get("wording", []):
        o = w["outlet"]
        for d in w["distinctive"]:
            for measure, value in (("z of the weighted log-odds ratio against the other outlets", d["z"]),
                                   ("times the outlet used it", d["count"]),
                                   ("times the other outlets used it", d["others"])):
                yield _row(ids, o, "distinctive_terms", d["term"], "", measure, value, d["spans"])
        yield _row(ids, o, "loaded_wording", "", "", "loaded terms in the outlet's own words", w["loaded_count"])
        for key, where in (("loaded", "in the outlet's own words"), ("quoted_loaded", "inside a direct quote")):
            for h in w.get(key, []):
                yield _row(ids, o, "loaded_wording", h["term"], h["category"], f"loaded term {where}", 1, [h["span"]])


def _attribution(ids, framing: dict) -> Iterator[Row]:
    for a in framing.get("attribution", []):
        o = a["outlet"]
        for stance in STANCES:
            yield _row(ids, o, "attribution", "", stance, f"attributions whose reporting verb is {stance}",
                       a["stance_counts"].get(stance, 0))
        yield _row(ids, o, "attribution", "", "", "attributions to a vague source or to no one",
                   a["vague_or_unattributed"])
        yield _row(ids, o, "attribution", "", "", "quotations with no speaker", len(a["unattributed_quotes"]),
                   a["unattributed_quotes"])
        for r in a["attributions"]:
            flags = [f for f, on in (("negated", r["negated"]), ("passive", r["passive"]),
                                     ("inside a quote", r["inside_quote"])) if on]
            yield _row(ids, o, "attribution", r["speaker"] or "", ", ".join([r["verb"], *flags]),
                       f"{r['stance']} attribution ({r['source']} source)", 1, [r["verb_span"]])


def _tone(ids, framing: dict) -> Iterator[Row]:
    for t in framing.get("tone", []):
        o = t["outlet"]
        yield _row(ids, o, "tone", "", "", "VADER compound, mean over the outlet's passages", t["compound"])
        yield _row(ids, o, "tone", "", "", "share of content words that are evaluative", t["subjectivity"])
        yield _row(ids, o, "tone", "", "", "passages", len(t["passages"]))
        for s in t["strongest"]:
            yield _row(ids, o, "tone", "strongest sentence", "", "VADER compound of the sentence", s["compound"],
                       [s["span"]])


def _one_sided(ids, framing: dict) -> Iterator[Row]:
    for x in framing.get("one_sided", []):
        o = x["outlet"]
        yield _row(ids, o, "one_sided", "", "", "sentences marked", len(x["sentences"]))
        yield _row(ids, o, "one_sided", "", "", "sentences read", x["checked"])
        for s in sorted(x["sentences"], key=lambda s: -s["score"]):
            told = f"also told by {', '.join(s['also_in'])}" if s["also_in"] else "only here"
            yield _row(ids, o, "one_sided", "marked sentence", f"cues: {', '.join(s['cues'])}; {told}",
                       "the sentence model's probability", s["score"], [s["span"]])


def _diffs(ids, framing: dict) -> Iterator[Row]:
    for d in framing.get("diffs", []):
        pair = f"{d['outlet_a']} / {d['outlet_b']}"
        yield _row(ids, "", "wording_diff", pair, f"{d['method']}; passages {d['passage_a']} and {d['passage_b']}",
                   "similarity of the two outlets' closest passages", d["similarity"])
        yield _row(ids, "", "wording_diff", pair, "", "runs of words that differ", len(d["changes"]))
        for c in d["changes"]:
            for side, outlet in (("a", d["outlet_a"]), ("b", d["outlet_b"])):
                if c[side]:
                    yield _row(ids, outlet, "wording_diff", pair, c["op"], "words only in this outlet's passage", 1,
                               [c[side]])


def _coverage(ids, framing: dict) -> Iterator[Row]:
    story_id = ids[0]
    for o in framing.get("omitted_by", []):
        yield _row(ids, o, "coverage", "", "", "leaves out the event (covers the story, no passage here)", 1)
    for c in framing.get("coverage", []):
        o = c["outlet"]
        for event, n in sorted(c["events"].items(), key=lambda e: int(e[0])):
            yield _row((story_id, int(event)), o, "coverage", "", "", "passages in the event", n)
        for event in c["missed_events"]:
            yield _row((story_id, event), o, "coverage", "", "", "leaves out the event other outlets report", 1)
        for event in c["solo_events"]:
            yield _row((story_id, event), o, "coverage", "", "", "the only outlet reporting the event", 1)
        yield _row(ids, o, "coverage", "", "", "passages in no event (only here)", len(c["only_here"]), c["only_here"])


def _independence(ids, framing: dict) -> Iterator[Row]:
    ind = framing.get("independence")
    if not ind:
        return
    yield _row(ids, "", "independence", "", "", "articles", ind["articles"])
    yield _row(ids, "", "independence", "", "", "independent reports", ind["independent_reports"])
    for g in ind["groups"]:
        yield _row(ids, "", "independence", "near-copies", "articles " + " ".join(map(str, g["article_ids"])),
                   "share of the shorter article's 5-word sequences in the other (strongest link)", g["containment"])


def _findings(ids, framing: dict) -> Iterator[Row]:
    for rank, f in enumerate(framing.get("findings") or [], 1):
        yield _row(ids, "", "finding", f["kind"], f["text"], "rank among the findings, strongest first", rank)


SIGNALS = (_findings, _naming, _wording, _attribution, _tone, _one_sided, _diffs, _coverage, _independence)


def framing_rows(framing: dict | None, *, story_id: int | None, event_id: int | None = None) -> list[Row]:
    """Rows of a story's framing (event_id None: its story-wide signals, then each event's) or of an
    event's framing (event_id given)."""
    if not framing:
        return []
    ids = (story_id, event_id)
    rows = [row for signal in SIGNALS for row in signal(ids, framing)]
    for event, sub in sorted((framing.get("events") or {}).items(), key=lambda e: int(e[0])):
        rows += framing_rows(sub, story_id=story_id, event_id=int(event))
    return rows


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """CSV text in pieces: the header row, then one line per row; empty cells for no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow("" if v is None else v for v in asdict(row).values())
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def to_csv(rows: Iterable[Row]) -> str:
    return "".join(csv_lines(rows))


def json_lines(rows: Iterable[Row]) -> Iterator[str]:
    """A JSON array of row objects, one a line, in pieces (a whole corpus need not be held at once)."""
    yield "["
    for n, row in enumerate(rows):
        yield ("\n" if n == 0 else ",\n") + json.dumps(asdict(row), ensure_ascii=False)
    yield "\n]\n"


def to_json(rows: Iterable[Row]) -> str:
    return "".join(json_lines(rows))
