"""Every outlet keeps one label, one place and one colour on a page (app/web/outlets.py): in the coverage
grid, every framing panel, every event's columns and the event page, an unknown outlet included."""
import pytest
from bs4 import BeautifulSoup

from app.db.models import Event, Story
from tests.factories import make_article, make_outlet

PUTIN = ("The Kremlin claimed on Monday that the Russian dictatorship had agreed to a ceasefire, "
         "a brutal regime insisting the shelling would stop.")
SAID = "Moscow said on Monday that Russia had agreed to a ceasefire and the shelling would stop."
UNKNOWN = "Russia announced on Monday that it agreed to a ceasefire; officials said the shelling would stop soon."
AID = "Aid convoys reached the city on Tuesday, officials said, bringing food and medicine to thousands."


@pytest.fixture
def story(session):
    story = Story(title="Ceasefire")
    session.add(story)
    session.flush()
    first, second = Event(story=story, label="A ceasefire is agreed"), Event(story=story, label="Aid arrives")
    session.add_all([first, second])
    zeta, alpha = make_outlet(session, name="Zeta Post"), make_outlet(session, name="Alpha Times")
    make_article(session, paragraphs=[PUTIN, AID], outlet=zeta, story=story, events=[first, second])
    make_article(session, paragraphs=[SAID], outlet=alpha, story=story, events=[first])
    make_article(session, paragraphs=[UNKNOWN, AID], outlet=None, story=story, events=[first, second])
    session.commit()
    return story


def keys(node) -> list[tuple[str, tuple[str, ...]]]:
    """The outlets a part of the page names, in order of first mention: (label, colour class)."""
    seen = []
    for k in node.select(".outlet-key"):
        key = (k.get_text(strip=True), tuple(c for c in k["class"] if c.startswith("outlet-c")))
        if key not in seen:
            seen.append(key)
    return seen


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_every_part_of_a_story_page_names_each_outlet_alike(client, story):
    doc = page(client, f"/stories/{story.id}")
    grid = keys(doc.select_one("table.grid thead"))
    labels = [label for label, _ in grid]
    assert len(grid) == 3 and all(css for _, css in grid)
    assert len({css for _, css in grid}) == 3  # one colour each
    unknown = [label for label in labels if label.startswith("Unknown outlet")]
    assert len(unknown) == 1, labels
    assert "outlet unknown" not in doc.get_text()

    parts = doc.select(".panel") + doc.select(".event-block .columns") + doc.select(".only-in-outlet")
    named = {p.get("id") or p.get("class")[0]: keys(p) for p in parts}
    for part, seen in named.items():
        assert [k for k in grid if k in seen] == seen, part  # the same labels and colours, in the grid's order
    for panel in ("naming", "attribution", "tone", "wording"):
        (seen,) = [v for k, v in named.items() if k.endswith(f"-{panel}")]
        assert seen == grid, panel  # these panels list every outlet
    assert keys(doc.select_one(".only-in-outlet")) == grid


def test_an_event_page_names_each_outlet_alike(client, story):
    doc = page(client, f"/events/{story.events[1].id}")
    columns = keys(doc.select_one(".columns"))
    missing = keys(doc.select_one(".missing"))
    assert [label for label, _ in missing] == ["Alpha Times"]
    order = columns + missing
    assert any(label.startswith("Unknown outlet (article") for label, _ in columns)
    for panel in doc.select(".panel"):
        seen = keys(panel)
        assert [k for k in order if k in seen] == seen, panel.get("id")


def test_an_outlet_has_on_an_event_page_the_colour_it_has_on_its_story_page(client, story):
    grid = dict(keys(page(client, f"/stories/{story.id}").select_one("table.grid thead")))
    for event in story.events:  # the second event is not reported by the story's second outlet
        doc = page(client, f"/events/{event.id}")
        shown = dict(keys(doc.select_one(".columns")) + keys(doc.select_one(".missing") or doc.new_tag("p")))
        assert shown == grid, event.label


def test_each_panel_explains_itself_once_on_demand(client, story):
    doc = page(client, f"/stories/{story.id}")
    for panel in doc.select(".framing .panel"):
        assert len(panel.select("details.how")) <= 1, panel.get("id")
        assert not panel.select("p.hint"), panel.get("id")
    assert doc.get_text().count("used clearly more than by the other outlets") <= 1
    wording = doc.select_one(".panel[id$='-wording']")
    assert wording.select_one("details.how > summary").get_text() == "How to read this"
    assert wording.select("table.terms-table td.num")  # the numbers, in cells
