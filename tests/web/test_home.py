"""The home page (stories, filters, latest articles) and search."""
from datetime import date

from tests.factories import make_article, make_outlet, make_story
from tests.web.html import soup


def test_home_lists_stories_with_outlets_counts_dates_and_top_events(client, session):
    story = make_story(session, title="Transit plan approved", outlets=3, events=2)
    page = soup(client.get("/"))
    item = page.select_one(f"li.story#story-{story.id}")
    assert item.select_one("h2 a")["href"] == f"/stories/{story.id}-transit-plan-approved"
    assert "3 articles" in item.get_text()
    assert "2025-03-01" in item.get_text() and "2025-03-03" in item.get_text()
    assert len(item.select(".outlets a")) == 3
    assert [a.get_text() for a in item.select(".top-events a")][:1] == ["Event 1 of Transit plan approved"]
    assert len(page.select("h1")) == 1 and page.html["lang"] == "en"


def test_home_filters_by_outlet_and_date(client, session):
    first = make_story(session, title="First story", outlets=1, events=1)
    second = make_story(session, title="Second story", outlets=1, events=1)
    outlet_id = first.articles[0].outlet_id
    ids = [li["id"] for li in soup(client.get(f"/?outlet={outlet_id}")).select("li.story")]
    assert ids == [f"story-{first.id}"]
    assert soup(client.get("/?from=2030-01-01")).select("li.story") == []
    assert f"story-{second.id}" in [li["id"] for li in soup(client.get("/?from=2025-03-01&to=2025-03-01"))
                                    .select("li.story")]
    assert "Ignored" in client.get("/?from=yesterday").text


def test_latest_articles_follow_the_home_filters(client, session):
    ours, theirs = make_outlet(session, name="Daily Ours"), make_outlet(session, name="Daily Theirs")
    old = make_article(session, paragraphs=["Old news from ours."], outlet=ours, title="Ours in May",
                       published=date(2025, 5, 2))
    new = make_article(session, paragraphs=["New news from ours."], outlet=ours, title="Ours in June",
                       published=date(2025, 6, 2))
    other = make_article(session, paragraphs=["News from theirs."], outlet=theirs, title="Theirs in June",
                         published=date(2025, 6, 3))
    undated = make_article(session, paragraphs=["Undated news from ours."], outlet=ours, title="Ours undated")
    session.commit()

    def latest(url: str, **headers) -> list[str]:
        return [li["id"] for li in soup(client.get(url, headers=headers)).select(".latest li.article")]

    assert latest("/") == [f"article-{a.id}" for a in (other, new, old, undated)]
    assert latest(f"/?outlet={ours.id}") == [f"article-{a.id}" for a in (new, old, undated)]
    assert latest("/?from=2025-06-01") == [f"article-{a.id}" for a in (other, new)]
    assert latest(f"/?outlet={ours.id}&to=2025-05-31") == [f"article-{old.id}"]
    page = soup(client.get(f"/?outlet={theirs.id}&from=2025-07-01"))
    assert page.select_one("#latest-h").get_text() == "Latest articles matching the filters"
    assert page.select_one(".latest .empty").get_text() == "No articles match these filters."
    # The filter form swaps stories and latest articles together.
    assert latest(f"/?outlet={theirs.id}", **{"HX-Request": "true"}) == [f"article-{other.id}"]


def test_home_paginates_and_the_htmx_variant_is_the_filtered_results_only(client, session):
    for i in range(21):
        make_story(session, title=f"Story {i}", outlets=1, events=0)
    page = soup(client.get("/"))
    assert len(page.select("li.story")) == 20
    assert page.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    partial = client.get("/?page=2", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and 'id="story-list"' in partial.text and 'id="home-results"' in partial.text
    assert len(soup(partial).select("li.story")) >= 1
    assert partial.headers["vary"] == "HX-Request"


def test_an_old_link_past_the_last_page_shows_the_last_page_not_an_empty_list(client, session):
    for i in range(21):
        make_story(session, title=f"Story {i}", outlets=1, events=0)
    home = soup(client.get("/?page=999"))
    assert len(home.select("li.story")) == 1 and "page 2 of 2" in home.select_one(".pagination").get_text()
    assert "No stories yet" not in home.get_text()
    articles = soup(client.get("/articles?page=999"))
    assert len(articles.select("li.article")) == 21 and "No articles yet" not in articles.get_text()
    outlet = client.get(f"/outlets/{make_story(session, title='One more', outlets=1, events=0).articles[0].outlet_id}?page=9")
    assert soup(outlet).select("li.article")  # the last page, not an empty list


def test_one_story_matching_the_filters_is_said_in_the_singular(client, session):
    story = make_story(session, title="Only story", outlets=1, events=0)
    page = soup(client.get(f"/?outlet={story.articles[0].outlet_id}"))
    assert page.select_one(".count").get_text(" ", strip=True) == "1 story matches the filters"


def test_articles_without_a_story_say_so(client, session):
    make_article(session, paragraphs=["A lone paragraph about something."], title=None)
    session.commit()
    page = client.get("/").text
    assert "not yet grouped into a story" in page and "[from the lede] A lone paragraph" in page


def test_full_text_search_marks_the_matching_words(client, session):
    make_article(session, paragraphs=["The <b>ceasefire</b> talks resumed in Geneva on Tuesday."],
                 outlet=make_outlet(session, "Wire"), published=date(2025, 1, 2))
    session.commit()
    page = soup(client.get("/search?q=ceasefire"))
    hit = page.select_one("li.hit")
    assert hit.select_one("mark").get_text() == "ceasefire"
    assert "&lt;b&gt;" in str(hit.select_one("blockquote"))  # user text is escaped, never markup
    partial = client.get("/search?q=ceasefire", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and 'id="search-results"' in partial.text


def test_full_text_search_counts_every_match_and_pages_through_them(client, session):
    make_article(session, paragraphs=[f"Ceasefire talks, round {n}." for n in range(1, 26)] + ["Unrelated news."])
    session.commit()
    first = soup(client.get("/search?q=ceasefire"))
    assert "25 passages matching" in first.select_one(".count").get_text()
    assert len(first.select("li.hit")) == 20 and "page 1 of 2" in first.select_one(".pagination").get_text()
    more = first.select_one(".pagination a[rel=next]")
    assert more.get_text() == "More results"
    second = soup(client.get("/search" + more["href"]))
    assert len(second.select("li.hit")) == 5 and second.select_one("ol.hits")["start"] == "21"
    shown = {h["id"] for h in first.select("li.hit")} | {h["id"] for h in second.select("li.hit")}
    assert len(shown) == 25  # no passage on both pages, none left out
    beyond = soup(client.get("/search?q=ceasefire&page=9"))  # an old link, past the end: the last page
    assert "page 2 of 2" in beyond.select_one(".pagination").get_text() and len(beyond.select("li.hit")) == 5


def test_a_query_search_cannot_use_whole_says_so(client, session):
    make_article(session, paragraphs=["The abortion court ruling was appealed on Friday."])
    session.commit()
    query = "abortion court ruling " * 25
    long = soup(client.get("/search", params={"q": query}))
    assert "was cut to its first" in long.get_text() and long.select("li.hit")
    kept = long.select_one("#q")["value"]
    assert len(kept) <= 500 and query.startswith(kept) and query[len(kept)] == " "  # cut at a word
    common = soup(client.get("/search?q=the+a"))
    assert "full-text search ignores" in common.get_text()
    assert "full-text search ignores" not in client.get("/search?q=zebra").text
    nul = client.get("/search?q=abortion%00ruling")
    assert nul.status_code == 200 and soup(nul).select("li.hit")


def test_similar_search_finds_passages_by_meaning(client, session, embedder):
    make_article(session, paragraphs=["Lawmakers voted to raise the minimum wage next year.",
                                      "The football team won the championship final."], embedder=embedder)
    session.commit()
    page = soup(client.get("/search", params={"q": "parliament increases pay for low earners", "mode": "similar"}))
    first = page.select("li.hit blockquote")[0].get_text()
    assert "minimum wage" in first
    assert "similarity" in page.select_one("li.hit").get_text()


def test_similar_search_stops_at_the_similarity_floor(client, session, embedder, settings):
    make_article(session, paragraphs=["Lawmakers voted to raise the minimum wage next year.",
                                      "The football team won the championship final.",
                                      "A storm flooded the coastal villages overnight."], embedder=embedder)
    session.commit()
    page = soup(client.get("/search", params={"q": "parliament increases pay for low earners", "mode": "similar"}))
    hits = page.select("li.hit")
    scores = [float(h.get_text().rsplit("similarity", 1)[1]) for h in page.select("li.hit p.meta:last-child")]
    assert len(hits) < 3 and "minimum wage" in hits[0].get_text()  # not every stored passage
    assert min(scores) >= settings.similar_floor
    assert f"similarity {settings.similar_floor:.2f} or more" in page.select_one(".count").get_text()
    nothing = soup(client.get("/search", params={"q": "recipe for sourdough bread with rye", "mode": "similar"}))
    assert nothing.select("li.hit") == []
    assert nothing.select_one(".count").get_text().startswith("No passages close in meaning")


def test_similar_search_pages_through_the_closest_passages(client, session, embedder):
    make_article(session, paragraphs=[f"The city council debated the bus budget, item {n}." for n in range(23)],
                 embedder=embedder)
    session.commit()
    first = soup(client.get("/search", params={"q": "council spending on buses", "mode": "similar"}))
    assert len(first.select("li.hit")) == 20
    pager = first.select_one(".pagination").get_text()
    assert "page 1 of 2" in pager  # all 23 pass the similarity floor, and are counted
    assert first.select_one(".count").get_text().startswith("23 passages close in meaning")
    second = soup(client.get("/search" + first.select_one(".pagination a[rel=next]")["href"]))
    assert len(second.select("li.hit")) == 3 and second.select_one(".pagination a[rel=next]") is None
    scores = [float(h.get_text().rsplit("similarity", 1)[1]) for h in
              first.select("li.hit p.meta:last-child") + second.select("li.hit p.meta:last-child")]
    assert scores == sorted(scores, reverse=True)  # the second page goes on where the first stopped
    assert not {h["id"] for h in first.select("li.hit")} & {h["id"] for h in second.select("li.hit")}
    beyond = soup(client.get("/search", params={"q": "council spending on buses", "mode": "similar", "page": 7}))
    assert [h["id"] for h in beyond.select("li.hit")] == [h["id"] for h in second.select("li.hit")]
