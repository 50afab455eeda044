"""The home page says what arrived since the reader's last visit."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.db.models import Article
from tests.factories import make_story
from tests.web.html import soup


def visit(client, last_visit: datetime | None):
    client.cookies.clear()
    if last_visit is not None:
        client.cookies.set("parallax_last_visit", last_visit.isoformat())
    return client.get("/arrivals")


def test_what_arrived_since_the_last_visit_is_counted_by_story(client, session):
    old = make_story(session, title="Harbour pier closes", outlets=2, events=1)
    session.execute(update(Article).values(created_at=datetime.now(UTC) - timedelta(days=2)))
    session.commit()
    first = visit(client, None)
    assert "Welcome" in first.text and first.headers["cache-control"] == "no-store"
    assert 'hx-get="/arrivals"' in client.get("/").text  # the home page asks for it
    yesterday = datetime.now(UTC) - timedelta(days=1)
    assert "Nothing new since your last visit" in visit(client, yesterday).text
    new = make_story(session, title="Storm closes the bay", outlets=3, events=1)
    session.execute(update(Article).where(Article.story_id == new.id)
                    .values(created_at=datetime.now(UTC) - timedelta(minutes=5)))
    session.commit()
    response = visit(client, yesterday)
    page = soup(response)
    assert "3 new articles in 1 story" in " ".join(page.text.split())
    [link] = page.select(".arrivals-stories a")
    assert link["href"] == f"/stories/{new.id}-storm-closes-the-bay" and old.id != new.id
    marked = datetime.fromisoformat(response.cookies["parallax_last_visit"])  # the visit moves the mark to now
    assert marked > yesterday + timedelta(hours=23)
    assert "Nothing new" in visit(client, marked).text
