"""Framing as rows: every number of the framing JSON with what it counts, and each item's words as
exact spans of its passage."""
import csv
import io
import json

from app.framing import PassageIn, analyse_story
from app.framing.table import COLUMNS, framing_rows, to_csv, to_json

PASSAGES = {
    1: [PassageIn(1, 1, "A", "Kelly claimed the regime's so-called reforms were a disaster, officials said."),
        PassageIn(2, 2, "B", "Kelly said the government's reforms were modest, officials said.")],
    2: [PassageIn(3, 1, "A", "The Kremlin attacked the city on Monday, killing ten people."),
        PassageIn(4, 2, "B", "Russia struck the city on Monday; ten people died.")],
}
ALONE = [PassageIn(5, 1, "A", "A lonely paragraph about the budget and the terrible mayor.")]
TEXTS = {p.id: p.text for ps in [*PASSAGES.values(), ALONE] for p in ps}


def story_rows():
    return framing_rows(analyse_story(PASSAGES, ALONE).to_json(), story_id=7)


def find(rows, **wanted):
    return [r for r in rows if all(getattr(r, k) == v for k, v in wanted.items())]


def test_every_span_is_the_exact_words_of_its_passage():
    rows = story_rows()
    spanned = [r for r in rows if r.passage_id is not None]
    assert {r.signal for r in spanned} >= {"naming", "distinctive_terms", "loaded_wording", "attribution", "tone",
                                          "one_sided", "wording_diff", "coverage"}
    for r in spanned:
        assert r.text == TEXTS[r.passage_id][r.start:r.end] and r.text
        assert r.spans.split()[0] == f"{r.passage_id}:{r.start}-{r.end}"


def test_story_wide_rows_have_no_event_and_each_events_rows_carry_it():
    rows = story_rows()
    assert {r.story_id for r in rows} == {7}
    assert {r.event_id for r in rows} == {None, 1, 2}
    claimed = find(rows, signal="attribution", outlet="A", item="Kelly", label="claimed")
    assert [(r.event_id, r.measure, r.value, r.text) for r in claimed] == [
        (None, "distancing attribution (named source)", 1, "claimed"),
        (1, "distancing attribution (named source)", 1, "claimed")]
    counts = find(rows, signal="attribution", outlet="A", event_id=2, label="distancing")
    assert [r.value for r in counts] == [0]


def test_naming_rows_count_each_outlets_expression_for_the_referent():
    rows = find(story_rows(), signal="naming", item="Russia", event_id=None)
    assert [(r.outlet, r.label, r.value, r.text) for r in rows] == [
        ("", "state", 1, ""), ("A", "Kremlin", 1, "Kremlin"), ("B", "Russia", 1, "Russia")]
    assert rows[0].measure == "named differently by the outlets (1 yes, 0 no)"


def test_wording_tone_and_coverage_rows_carry_the_panels_numbers():
    framing = analyse_story(PASSAGES, ALONE).to_json()
    rows = framing_rows(framing, story_id=7)
    story_wide = [r for r in rows if r.event_id is None]
    wording = next(w for w in framing["wording"] if w["outlet"] == "A")
    term = wording["distinctive"][0]
    assert [r.value for r in find(story_wide, signal="distinctive_terms", outlet="A", item=term["term"])] == [
        term["z"], term["count"], term["others"]]
    loaded = find(story_wide, signal="loaded_wording", outlet="A")
    assert loaded[0].value == wording["loaded_count"] == 3
    assert [(r.item, r.label, r.text) for r in loaded[1:]] == [
        ("claimed", "doubt marker", "claimed"), ("regime", "pejorative label", "regime"),
        ("so-called", "doubt marker", "so-called")]
    tone = next(t for t in framing["tone"] if t["outlet"] == "B")
    assert [r.value for r in find(story_wide, signal="tone", outlet="B", item="")] == [
        tone["compound"], tone["subjectivity"], 2]
    coverage = find(rows, signal="coverage", outlet="A")
    assert [(r.event_id, r.measure, r.value) for r in coverage] == [
        (1, "passages in the event", 1), (2, "passages in the event", 1),
        (None, "passages in no event (only here)", 1)]
    assert coverage[-1].text == ALONE[0].text
    assert find(story_wide, signal="independence", measure="independent reports")[0].value == 2


def reversed_keys(value):
    """The JSON with every object's keys in the other order, as Postgres may hand it back."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(value)}
    return [reversed_keys(v) for v in value] if isinstance(value, list) else value


def test_rows_come_in_the_same_order_whatever_the_order_of_the_jsons_keys():
    framing = analyse_story(PASSAGES, ALONE).to_json()
    assert framing_rows(reversed_keys(framing), story_id=7) == framing_rows(framing, story_id=7)


def test_csv_has_a_header_and_the_json_the_same_rows():
    rows = story_rows()
    read = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert list(read[0]) == list(COLUMNS) and len(read) == len(rows)
    assert read[0]["event_id"] == "" and read[0]["story_id"] == "7"
    loaded = json.loads(to_json(rows))
    assert len(loaded) == len(rows) and loaded[0]["event_id"] is None
    assert [r["text"] for r in loaded] == [r["text"] for r in read]
    assert to_csv([]) == ",".join(COLUMNS) + "\n" and json.loads(to_json([])) == []
    assert framing_rows(None, story_id=7) == []
