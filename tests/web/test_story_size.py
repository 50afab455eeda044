"""A story of any size: its page shows a bounded part (the largest events, a few passages only in
each outlet, the grid summarised) and loads the rest on demand; its framing reads a bounded sample,
a smaller one where none was kept and the reader waits for it."""

from app.browse.framing import FIRST_VIEW_PASSAGES, FRAMING_PASSAGES
from app.pipeline import frame_story
from app.web.templating import EVENTS_SHOWN, ONLY_HERE_SHOWN
from tests.factories import make_story
from tests.web.html import soup


def test_a_story_of_many_events_shows_a_bounded_page_and_loads_the_rest(client, session):
    story = make_story(session, title="Long saga", outlets=4, events=EVENTS_SHOWN * 2 + 15, only_here=30)
    response = client.get(f"/stories/{story.id}-long-saga")
    assert len(response.content) < 1_000_000
    page = soup(response)
    assert len(page.select("section.event-block")) == EVENTS_SHOWN
    rows = page.select("table.grid tbody tr")
    assert len(rows) == EVENTS_SHOWN + 1
    assert rows[-1].select_one("th").get_text() == f"{EVENTS_SHOWN + 15} more events"
    assert [td.get_text() for td in rows[-1].select("td")] == [f"{EVENTS_SHOWN + 15} reported"] * 4
    for outlet in page.select(".only-here-outlet"):
        assert len(outlet.select("blockquote.passage.only")) == ONLY_HERE_SHOWN
        assert f"{30 - ONLY_HERE_SHOWN} more passages only in this outlet" in outlet.get_text()
    passages = 4 * (EVENTS_SHOWN * 2 + 15 + 30)
    assert page.select_one(".framing-sample").get_text().startswith(  # nothing framed this story before
        f"Framing read from {FIRST_VIEW_PASSAGES} of {passages} passages")

    shown = {s["id"] for s in page.select("section.event-block")}
    more = page.select_one(".more-events a")
    assert more.get_text() == f"Show {EVENTS_SHOWN} more events of {EVENTS_SHOWN + 15}"
    while more is not None:
        part = soup(client.get(more["hx-get"], headers={"HX-Request": "true"}))
        blocks = {s["id"] for s in part.select("section.event-block")}
        assert blocks and not blocks & shown
        shown |= blocks
        more = part.select_one(".more-events a")
    assert len(shown) == EVENTS_SHOWN * 2 + 15


def test_a_small_story_shows_everything_and_reads_every_passage(client, session):
    story = make_story(session, title="Short", outlets=3, events=4, only_here=2)
    page = soup(client.get(f"/stories/{story.id}-short"))
    assert len(page.select("section.event-block")) == 4
    assert not page.select(".more-events, .framing-sample, .more-only, tr.summary")


def test_a_story_read_before_its_framing_is_kept_reads_a_smaller_sample_and_says_so(client, session):
    story = make_story(session, title="Saga", outlets=4, events=25, only_here=10)
    sample = soup(client.get(f"/stories/{story.id}-saga")).select_one(".framing-sample").get_text()
    assert sample.startswith(f"Framing read from {FIRST_VIEW_PASSAGES} of 140 passages")
    assert f"None was kept for this story yet, so this view read at most {FIRST_VIEW_PASSAGES} rather than the " \
           f"{FRAMING_PASSAGES} read when a story is framed as its articles arrive." in sample

    frame_story(session, story.id)  # as an import, upload or feed poll does once the articles are in
    sample = soup(client.get(f"/stories/{story.id}-saga")).select_one(".framing-sample").get_text()
    assert sample.startswith(f"Framing read from {FRAMING_PASSAGES} of 140 passages")
    assert "None was kept" not in sample
