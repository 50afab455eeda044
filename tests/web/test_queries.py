"""Pages make a fixed number of queries, however large the story or list (no N+1)."""

from tests.factories import count_queries, make_story


def queries(client, engine, url):
    client.get(url)  # warm up: the first request may load things once
    with count_queries(engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def pages(story):
    event = sorted(story.events, key=lambda e: e.id)[0]
    article = sorted(story.articles, key=lambda a: a.id)[0]
    return [f"/stories/{story.id}-x", f"/events/{event.id}-x", f"/articles/{article.id}-x",
            f"/outlets/{article.outlet_id}-x", f"/api/stories/{story.id}", f"/api/events/{event.id}"]


def test_story_event_article_and_outlet_pages_do_not_grow_with_the_story(client, session, engine):
    small = make_story(session, title="Small", outlets=2, events=1, only_here=1)
    large = make_story(session, title="Large", outlets=6, events=8, only_here=5)
    for small_url, large_url in zip(pages(small), pages(large), strict=True):
        small_url, large_url = (client.get(u).url.path for u in (small_url, large_url))
        assert queries(client, engine, small_url) == queries(client, engine, large_url), (small_url, large_url)


def test_list_pages_do_not_grow_with_the_number_of_stories(client, session, engine):
    make_story(session, title="One", outlets=1, events=1)
    few = queries(client, engine, "/")
    for i in range(6):
        make_story(session, title=f"More {i}", outlets=3, events=3)
    assert queries(client, engine, "/") == few
    assert queries(client, engine, "/api/stories") == queries(client, engine, "/api/stories?page=1")
