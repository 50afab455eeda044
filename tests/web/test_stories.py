"""Story and event pages: coverage grid, columns per outlet, "only in this outlet", permalinks."""

from app.db.models import ClusterRedirect
from tests.factories import make_story
from tests.web.html import soup


def test_story_grid_shows_who_reported_what_in_words(client, session):
    story = make_story(session, title="Bridge closes", outlets=3, events=2, skip=((2, 1),))
    page = soup(client.get(f"/stories/{story.id}-bridge-closes"))
    assert page.select_one("h1").get_text() == "Bridge closes"
    rows = page.select("table.grid tbody tr")
    assert len(rows) == 2
    cells = [[td.get_text(" ", strip=True) for td in row.select("td")] for row in rows]
    assert cells[0] == ["✓ 1 passage"] * 3
    assert cells[1].count("✗ not reported") == 1
    link = rows[0].select_one("td.covered a")["href"]
    assert link.startswith("/events/") and "#event-" in link
    assert page.select("table.grid caption")
    only = page.select(".only-here-outlet blockquote.passage.only")
    assert len(only) == 3 and "alone adds detail" in only[0].get_text()
    assert len(page.select("h1")) == 1


def test_event_page_has_a_column_per_outlet_and_names_who_did_not_report_it(client, session):
    story = make_story(session, title="Bridge closes", outlets=3, events=2, skip=((2, 1),))
    event = sorted(story.events, key=lambda e: e.id)[1]
    page = soup(client.get(f"/events/{event.id}-event-2-of-bridge-closes"))
    columns = page.select(f"#event-{event.id}-columns > section.column")
    assert len(columns) == 2
    head = columns[0].select_one(".column-head")
    assert head.select_one("h2 a.outlet") and head.select_one("time").get_text() == "2025-03-01"
    assert "Reporter 1" in head.get_text() and "original URL unknown" in head.get_text()
    assert columns[0].select("blockquote.passage")[0].get_text().endswith("voted 6 to 1.")
    assert "alone adds detail" in columns[0].select_one("details.only-here").get_text()
    assert "Not reported by" in page.select_one(".missing").get_text()
    assert page.select_one("form[action='/snapshots'] button").get_text() == "Share this comparison"
    assert page.select_one("meta[property='og:title']")["content"] == event.label


def test_wrong_or_missing_slugs_redirect_permanently_to_the_canonical_url(client, session):
    story = make_story(session, title="Bridge closes", outlets=1, events=1)
    event = story.events[0]
    for url, target in [(f"/stories/{story.id}", f"/stories/{story.id}-bridge-closes"),
                        (f"/stories/{story.id}-old-title?x=1", f"/stories/{story.id}-bridge-closes?x=1"),
                        (f"/events/{event.id}", f"/events/{event.id}-event-1-of-bridge-closes")]:
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == target
    assert client.get("/stories/not-a-number").status_code == 404
    assert client.get("/stories/999999").status_code == 404


def test_a_link_that_needs_a_redirect_is_answered_without_building_the_page(client, session, monkeypatch):
    # A big story's comparison and framing take seconds; a bare /stories/ID only needs its title.
    from app.web.routes import events, stories

    def never(**_):
        raise AssertionError("the page was built for a redirect")

    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    monkeypatch.setattr(stories, "get_story_overview", never)
    monkeypatch.setattr(events, "get_event_comparison", never)
    assert client.get(f"/stories/{story.id}", follow_redirects=False).status_code == 301
    assert client.get(f"/events/{story.events[0].id}-old", follow_redirects=False).status_code == 301


def test_ids_gone_in_a_recluster_redirect_to_their_successor(client, session):
    story = make_story(session, title="Bridge closes", outlets=1, events=1)
    session.add_all([ClusterRedirect(kind="story", old_id=900001, new_id=900002),
                     ClusterRedirect(kind="story", old_id=900002, new_id=story.id),
                     ClusterRedirect(kind="event", old_id=900003, new_id=story.events[0].id)])
    session.commit()
    response = client.get("/stories/900001-some-old-slug")
    assert response.status_code == 200 and response.url.path == f"/stories/{story.id}-bridge-closes"
    assert response.history[0].status_code == 301
    assert client.get("/events/900003").url.path.startswith(f"/events/{story.events[0].id}-")
