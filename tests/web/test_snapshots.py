"""Sharing a comparison: an immutable snapshot behind a short id that says when the live page differs."""
import re

from app.db.models import ClusterRedirect, Event
from app.snapshots.models import Snapshot
from tests.factories import make_story
from tests.web.html import soup

HX = {"HX-Request": "true"}


def share_form(page_response):
    form = soup(page_response).select_one("form[action='/snapshots']")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


def test_sharing_without_js_redirects_to_a_short_snapshot_url(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    event_page = client.get(f"/events/{story.events[0].id}")
    response = client.post("/snapshots", data=share_form(event_page), follow_redirects=False)
    assert response.status_code == 303
    assert re.fullmatch(r"/c/[A-Za-z0-9]{6,8}", response.headers["location"])


def test_sharing_with_htmx_returns_the_share_block_with_a_copy_button(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    event_page = client.get(f"/events/{story.events[0].id}")
    response = client.post("/snapshots", data=share_form(event_page), headers=HX)
    assert response.status_code == 201
    assert "<html" not in response.text and f'id="share-event-{story.events[0].id}"' in response.text
    block = soup(response)
    assert block.select_one("button.copy")["data-copy"] == f"#share-event-{story.events[0].id}-url"
    assert re.search(r"/c/[A-Za-z0-9]{7}$", block.select_one("input[type=url]")["value"])


def test_sharing_an_unchanged_page_again_gives_the_same_snapshot(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    event = story.events[0]
    form = share_form(client.get(f"/events/{event.id}"))
    first = client.post("/snapshots", data=form, follow_redirects=False).headers["location"]
    again = client.post("/snapshots", data=share_form(client.get(f"/events/{event.id}")), follow_redirects=False)
    assert again.headers["location"] == first
    by_api = client.post("/api/snapshots", json={"kind": "event", "id": event.id})
    assert by_api.status_code == 200 and f"/c/{by_api.json()['id']}" == first  # 200: not created, found
    story_link = client.post("/snapshots", data=share_form(client.get(f"/stories/{story.id}")),
                             follow_redirects=False).headers["location"]
    assert story_link != first  # the story page is another page
    assert session.query(Snapshot).count() == 2

    event.label = "Bridge closes for a month"
    session.commit()
    changed = client.post("/snapshots", data=share_form(client.get(f"/events/{event.id}")), follow_redirects=False)
    assert changed.headers["location"] != first  # the page changed: a new snapshot, the first kept as it was
    assert "Event 1 of Bridge closes" in client.get(first).text


def test_a_snapshot_keeps_what_was_shown_after_later_changes(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    event = story.events[0]
    live = client.get(f"/events/{event.id}")
    shown = [q.get_text() for q in soup(live).select(f"#event-{event.id}-columns blockquote.passage")]
    location = client.post("/snapshots", data=share_form(live), follow_redirects=False).headers["location"]

    fresh = soup(client.get(location))
    assert [q.get_text() for q in fresh.select("blockquote.passage")][:len(shown)] == shown
    assert "still shows the same" in fresh.select_one(".live-state").get_text()

    # A recluster: the event is relabelled, one passage leaves it, the old id moves to a new event.
    moved = Event(story=story, label="Renamed event")
    session.add(moved)
    session.flush()
    members = sorted(event.passages, key=lambda p: p.id)
    for p in members:
        p.event = moved
    members[0].event = None
    session.add(ClusterRedirect(kind="event", old_id=event.id, new_id=moved.id))
    session.delete(event)
    session.commit()

    later = soup(client.get(location))
    assert [q.get_text() for q in later.select("blockquote.passage")][:len(shown)] == shown
    assert later.select_one("h1").get_text() == "Event 1 of Bridge closes"
    state = later.select_one(".live-state").get_text(" ", strip=True)
    assert "has changed since" in state and "merged into event" in state
    assert later.select_one(".live-state a")["href"].startswith(f"/events/{moved.id}-renamed-event")


def test_shared_pages_carry_open_graph_and_twitter_tags(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    location = client.post("/snapshots", data=share_form(client.get(f"/stories/{story.id}")),
                           follow_redirects=False).headers["location"]
    page = soup(client.get(location))
    names = [a.outlet.name for a in story.articles]
    description = page.select_one("meta[property='og:description']")["content"]
    assert all(name in description for name in names)
    assert page.select_one("meta[property='og:title']")["content"] == "Bridge closes"
    assert page.select_one("meta[name='twitter:card']")["content"] == "summary"
    assert page.select_one("meta[property='og:url']")["content"].endswith(location)
    assert page.select("table.grid tbody tr")  # a story snapshot shows the grid


def test_a_snapshot_of_a_page_that_changed_since_it_was_loaded_is_refused(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    form = share_form(client.get(f"/events/{story.events[0].id}"))
    story.events[0].label = "Relabelled meanwhile"
    session.commit()
    before = session.query(Snapshot).count()
    response = client.post("/snapshots", data=form, headers=HX)
    assert response.status_code == 409 and "changed after the page was loaded" in response.text
    assert session.query(Snapshot).count() == before


def test_unknown_snapshot_is_404(client):
    assert client.get("/c/nope42").status_code == 404
    assert client.get("/c/../etc").status_code == 404
