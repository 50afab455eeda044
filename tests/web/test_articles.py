"""Article and outlet pages."""

from app.browse.views import EventRef, StoryRef
from tests.browse.test_outlet_profile import framed_outlet
from tests.factories import make_article, make_outlet, make_story
from tests.web.html import soup


def test_article_page_links_each_passage_to_its_event(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1, only_here=1)
    article = sorted(story.articles, key=lambda a: a.id)[0]
    page = soup(client.get(f"/articles/{article.id}", follow_redirects=True))
    assert page.select_one("h1").get_text() == article.title
    passages = page.select(".article-text p.passage")
    assert len(passages) == 2
    assert passages[0].select_one("a.event-tag")["href"].startswith(f"/events/{story.events[0].id}-")
    assert passages[1].select_one(".event-tag.none").get_text() == "only in this outlet"
    meta = page.select_one(".meta").get_text()
    assert "2025-03-01" in meta and "Reporter 1" in meta and "original URL unknown" in meta
    assert page.select_one(f"a[href='/stories/{story.id}-bridge-closes']")


def test_unknown_metadata_is_shown_as_unknown_and_user_text_is_escaped(client, session):
    article = make_article(session, paragraphs=["<script>alert(1)</script> is what the text says."], title=None)
    session.commit()
    response = client.get(f"/articles/{article.id}", follow_redirects=True)
    assert "<script>alert(1)</script>" not in response.text
    page = soup(response)
    assert page.select_one("h1").get_text().startswith("[from the lede]")
    text = page.get_text()
    assert "outlet unknown" in text and "date unknown" in text and "byline unknown" in text
    assert "Not yet grouped into a story." in text


def test_article_list_and_its_htmx_variant(client, session):
    make_article(session, paragraphs=["Something happened today in the city."], outlet=make_outlet(session))
    session.commit()
    assert soup(client.get("/articles")).select("li.article")
    partial = client.get("/articles", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and 'id="article-list"' in partial.text


def test_outlet_page_lists_its_articles_and_stories(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    outlet = story.articles[0].outlet
    response = client.get(f"/outlets/{outlet.id}")
    assert response.url.path == f"/outlets/{outlet.id}-{outlet.name.lower().replace(' ', '-')}"
    page = soup(response)
    assert page.select_one("h1").get_text() == outlet.name
    assert page.select_one(".covered a").get_text() == "Bridge closes"
    assert len(page.select(f"#outlet-{outlet.id}-articles li.article")) == 1
    partial = client.get(response.url.path, headers={"HX-Request": "true"})
    assert "<html" not in partial.text and f'id="outlet-{outlet.id}-articles"' in partial.text
    index = soup(client.get("/outlets"))
    assert index.select_one(f"#outlet-{outlet.id} a")["href"] == response.url.path


def test_outlet_page_shows_how_it_frames_with_links_to_the_evidence(client, session):
    (daily, _, _), stories = framed_outlet(session)
    response = client.get(f"/outlets/{daily.id}", follow_redirects=True)
    section = soup(response).select_one(f"#outlet-{daily.id}-profile")
    assert section.select_one("h2").get_text() == "How this outlet frames"
    assert "3 most recently updated stories: 2 analysed so far" in section.select_one(".meta").get_text()
    [name] = section.select(".profile-names tbody tr")
    assert [td.get_text() for td in name.select("td")][:2] == ["‘Tehran’", "‘Iranian government’"]
    assert {a["href"] for a in name.select("a")} == {f"{s.path}#story-{s.id}-naming" for s in map(StoryRef.of, stories)}
    stances = {tr.th.get_text(): tr.select("td")[0].get_text() for tr in section.select(".profile-stances tbody tr")}
    assert stances["distancing"] == "100 % (6)" and stances["neutral"] == "0 % (0)"
    assert "‘claimed’ ×4" in section.get_text()
    left_out = {a["href"] for a in section.select(".profile-left-out li > a")}
    assert left_out == {f"{EventRef.of(s.events[1]).path}#event-{s.events[1].id}-coverage" for s in stories}
    assert "It leaves out 2 of the 4 events" in section.get_text()
    partial = client.get(response.url.path, headers={"HX-Request": "true"})
    assert "How this outlet frames" not in partial.text  # a page of its articles only


def test_outlet_page_says_when_there_is_not_enough_to_profile_it(client, session):
    story = make_story(session, title="Bridge closes", outlets=2, events=1)
    outlet = story.articles[0].outlet
    section = soup(client.get(f"/outlets/{outlet.id}", follow_redirects=True)).select_one(f"#outlet-{outlet.id}-profile")
    assert "0 analysed so far" in section.get_text() and "Not enough yet" in section.select_one(".empty").get_text()
