"""The framing downloads of the story and event pages: the rows of the framing the page and the API
show, as CSV or JSON attachments, linked from the framing area."""
import csv
import io

from bs4 import BeautifulSoup

from app.browse.slugs import event_path, story_path
from app.db.models import Passage
from app.framing.table import COLUMNS, framing_rows
from tests.factories import make_story


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def as_csv(rows) -> list[dict]:
    """Rows as the CSV spells them: every value a string, no value empty."""
    return [{k: "" if v is None else str(v) for k, v in vars(r).items()} for r in rows]


def test_story_csv_is_the_api_framing_as_rows_with_each_span_the_passage_words(client, session):
    story = make_story(session, title="Council approves the transit plan", skip=((2, 1),))
    response = client.get(f"/stories/{story.id}/framing.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="parallax-story-{story.id}-framing.csv"'
    assert "x-page-cache" not in response.headers  # passed through the page cache, never stored
    assert response.text.splitlines()[0] == ",".join(COLUMNS)

    api = client.get(f"/api/stories/{story.id}").json()["framing"]
    rows = csv_rows(response)
    assert rows == as_csv(framing_rows(api, story_id=story.id))
    texts = {p.id: p.text for p in session.query(Passage)}
    spanned = [r for r in rows if r["passage_id"]]
    assert spanned and all(texts[int(r["passage_id"])][int(r["start"]):int(r["end"])] == r["text"] for r in spanned)
    events = sorted(e.id for e in story.events)
    assert {r["event_id"] for r in rows} == {"", *map(str, events)}
    left_out = [r for r in rows if r["signal"] == "coverage" and r["measure"].startswith("leaves out")]
    assert left_out and all(r["event_id"] == str(events[1]) for r in left_out)


def test_event_json_is_the_event_pages_framing_and_the_page_links_both_downloads(client, session):
    story = make_story(session, skip=((2, 1),))
    event = sorted(story.events, key=lambda e: e.id)[1]
    response = client.get(f"/events/{event.id}-any-slug/framing.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == f'attachment; filename="parallax-event-{event.id}-framing.json"'
    api = client.get(f"/api/events/{event.id}").json()["framing"]
    rows = response.json()
    assert rows == [vars(r) for r in framing_rows(api, story_id=story.id, event_id=event.id)]
    assert {(r["story_id"], r["event_id"]) for r in rows} == {(story.id, event.id)}
    assert any(r["signal"] == "coverage" and r["value"] == 1 for r in rows)  # the outlet that left it out

    for path in (event_path(event.id, event.label), story_path(story.id, story.title)):
        shown = client.get(path)
        assert shown.headers["x-page-cache"] == "miss"  # the page itself is cached, its downloads are not
        page = BeautifulSoup(shown.text, "html.parser")
        links = page.select(".framing .downloads a[download]")
        assert [(a.get_text(), a["href"]) for a in links] == [("CSV", f"{path}/framing.csv"),
                                                              ("JSON", f"{path}/framing.json")]


def test_downloads_refuse_what_is_not_there(client, session):
    story = make_story(session, outlets=2, events=1)
    missing = client.get("/stories/999999/framing.csv")
    assert missing.status_code == 404 and "There is no story 999999" in missing.text
    wrong = client.get(f"/stories/{story.id}/framing.xml")
    assert wrong.status_code == 404 and "framing.csv or framing.json" in wrong.text
    assert client.get("/events/not-an-id/framing.csv").status_code == 404
