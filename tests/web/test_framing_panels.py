"""Framing panels built with factories for exact control: the wording diff, coverage and near-copies."""
import pytest
from bs4 import BeautifulSoup

from app.db.models import Event, Story
from tests.factories import make_article, make_outlet

A = "Officials said the old bridge will close on Monday for repairs to its steel deck and railings."
B = "Officials said the old bridge will shut on Monday for urgent repairs to its steel deck and railings."
OWN = "Daily Two adds that traffic will be diverted through the northern ring road while the works last."
OTHER = "The council met on Tuesday to discuss the city budget and the new library opening hours."


@pytest.fixture
def story(session):
    story = Story(title="Bridge repairs")
    session.add(story)
    session.flush()
    event = Event(story=story, label="The bridge closes")
    session.add(event)
    outlets = [make_outlet(session, name=name) for name in ("Daily One", "Daily Two", "Daily Three")]
    make_article(session, paragraphs=[A, OTHER], outlet=outlets[0], story=story, events=[event, None])
    make_article(session, paragraphs=[B, OWN], outlet=outlets[1], story=story, events=[event, None])
    make_article(session, paragraphs=[A, OTHER], outlet=outlets[2], story=story, events=[None, None])
    session.commit()
    return story


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_wording_diff_marks_deletions_and_insertions_in_words_too(client, story):
    page = soup(client.get(f"/events/{story.events[0].id}"))
    diff = page.select_one(".panel[id$='-diff']")
    assert [d.get_text() for d in diff.select(".diff del")] == ["only in Daily One: close"]
    assert [i.get_text() for i in diff.select(".diff ins")] == ["only in Daily Two: shut", "only in Daily Two: urgent"]
    assert "Closest pair: Daily One and Daily Two" in diff.get_text(" ", strip=True)
    assert "% of their distinct words" in diff.get_text()


def test_coverage_names_the_outlet_that_left_the_event_out(client, story):
    page = soup(client.get(f"/events/{story.events[0].id}"))
    coverage = page.select_one(".panel[id$='-coverage']").get_text(" ", strip=True)
    assert "Left out by 1 outlet: Daily Three" in coverage


def test_story_independence_counts_near_copies_once(client, story):
    page = soup(client.get(f"/stories/{story.id}"))
    panel = page.select_one(".panel[id$='-independence']")
    assert "3 articles, 2 independent reports" in panel.get_text(" ", strip=True)
    group = panel.select_one(".copy-groups li")
    assert "near-copies" in group.get_text() and len(group.select("a")) == 2
    assert "Daily One" in group.get_text() and "Daily Three" in group.get_text()
