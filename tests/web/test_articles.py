"""Article and outlet pages."""

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
