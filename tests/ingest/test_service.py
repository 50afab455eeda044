"""The ingest service against real Postgres and the real model."""
import pytest
from sqlalchemy import select

from app.db.models import Article, Outlet, Passage
from app.ingest.drafts import ArticleDraft, Rejection
from app.ingest.extract import from_text
from app.ingest.seeds import read_seeds
from app.ingest.service import ingest_drafts, ingest_one
from tests.conftest import SEEDS, row_counts
from tests.waiting import cpu_steps, wait_until

BODY = (
    "The city council approved the new transit plan on Monday after a six-hour debate. "
    "Supporters said the plan would cut commuting times; opponents warned about the cost. "
    "The mayor is expected to sign the measure later this week."
)


def ingest(session, embedder, settings, items, **kw):
    return list(ingest_drafts(session=session, items=items, embedder=embedder, settings=settings, **kw))


@pytest.fixture
def seeded(session, embedder, settings):
    results = ingest(session, embedder, settings, read_seeds(SEEDS, max_bytes=settings.max_article_bytes))
    assert [r.status for r in results] == ["ingested"] * 3
    return {r.source_name.split("/")[1][:3]: session.get(Article, r.article_id) for r in results}


def test_every_seed_passage_is_an_exact_slice_of_the_clean_text(seeded):
    for article in seeded.values():
        assert article.passages, article.source_name
        for p in article.passages:
            assert article.clean_text[p.start : p.end] == p.text
            assert len(p.embedding) == 384 and p.embedding_model == "all-MiniLM-L6-v2"
        positions = [p.position for p in article.passages]
        assert positions == list(range(len(positions)))


def test_seed_passages_follow_paragraphs(seeded):
    texts = [p.text for p in seeded["000"].passages]
    assert len(texts) == 6
    assert texts[0].startswith("At a recent United Nations Security Council meeting")
    assert texts[-1].endswith("empty diplomatic gestures.")


def test_seed_002_chrome_is_gone_and_its_headline_is_the_title(seeded):
    article = seeded["002"]
    assert article.title == "UN mediator stance on Ukraine dialogue and global diplomacy"
    assert article.outlet.name == "socialbites.ca"
    for chrome in ("No time to read", "Get a summary", "Previous Article", "Next Article", "Severe Storms",
                   "Historic Painting"):
        assert chrome not in article.clean_text
    assert article.clean_text.startswith("The United Nations Secretary-General has signaled openness")


def test_unknown_seed_metadata_stays_unknown(seeded):
    a0, a1 = seeded["000"], seeded["001"]
    assert (a0.title, a0.outlet, a0.byline, a0.published, a0.url) == (None, None, None, None, None)
    assert a0.display_title.startswith("[from the lede] At a recent United Nations")
    assert a1.byline == "Claire Liu" and "Written by" not in a1.clean_text
    assert a1.published is None and a1.outlet is None


def test_reingesting_the_same_text_reports_the_original_and_stores_nothing(session, embedder, settings):
    first = ingest_one(session=session, draft=from_text(BODY, source_name="a.txt"), embedder=embedder,
                       settings=settings)
    before = row_counts(session)
    again = ingest(session, embedder, settings, [
        from_text(BODY, source_name="b.txt"),
        from_text("  " + BODY.replace(" ", "  ") + "\n\n", source_name="c.txt"),  # same text, other spacing
    ])
    assert [(r.status, r.article_id) for r in again] == [("duplicate", first.article_id)] * 2
    assert str(again[0]) == f"b.txt: duplicate of article {first.article_id}"
    assert row_counts(session) == before


def test_duplicates_inside_one_batch_are_stored_once(session, embedder, settings):
    results = ingest(session, embedder, settings, [from_text(BODY, source_name=n) for n in ("x", "y")])
    assert [r.status for r in results] == ["ingested", "duplicate"]
    assert results[1].article_id == results[0].article_id


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "text is empty"),
        ("   \n\t  ", "text contains only whitespace"),
        ("Too short to be an article.", "text is only 27 characters after cleaning; at least 200 needed"),
    ],
)
def test_bad_text_is_rejected_with_a_reason_and_nothing_stored(session, embedder, settings, text, reason):
    before = row_counts(session)
    (result,) = ingest(session, embedder, settings, [from_text(text, source_name="bad.txt")])
    assert (result.status, result.reason) == ("rejected", reason)
    assert str(result) == f"bad.txt: rejected: {reason}"
    assert row_counts(session) == before


def test_a_bad_item_does_not_stop_the_batch(session, embedder, settings):
    results = ingest(session, embedder, settings, [
        Rejection("broken.jsonl:2", "malformed JSON (Expecting value at column 1)"),
        from_text(BODY + " Extra.", source_name="good.txt"),
    ])
    assert [r.status for r in results] == ["rejected", "ingested"]


def test_embedder_failure_leaves_no_rows(session, embedder, settings):
    class Broken:
        name = embedder.name

        def embed(self, texts):
            raise RuntimeError("model crashed")

    before = row_counts(session)
    (result,) = ingest(session, Broken(), settings, [from_text(BODY, source_name="a.txt")])
    assert result.status == "rejected" and "model crashed" in result.reason
    assert row_counts(session) == before


def test_failure_after_passages_are_written_rolls_back_the_whole_article(session, embedder, settings):
    def explode(session_, article):
        assert session_.scalar(select(Passage.id).where(Passage.article_id == article.id).limit(1))
        raise RuntimeError("clustering blew up")

    before = row_counts(session)
    results = ingest(session, embedder, settings, [
        from_text(BODY, source_name="a.txt", outlet="Daily Planet"),
    ], on_store=explode)
    assert results[0].status == "rejected" and "clustering blew up" in results[0].reason
    assert row_counts(session) == before
    assert session.scalar(select(Outlet).where(Outlet.name == "Daily Planet")) is None


def test_outlet_comes_from_the_url_host_when_not_named(session, embedder, settings):
    draft = ArticleDraft(source_name="u", source_format="text", raw=BODY, text=BODY,
                         url="https://www.example.org/news/1")
    result = ingest_one(session=session, draft=draft, embedder=embedder, settings=settings)
    article = session.get(Article, result.article_id)
    assert (article.outlet.name, article.outlet.domain) == ("example.org", "example.org")


def test_an_outlet_named_in_another_case_is_the_same_outlet(session, embedder, settings):
    first = ingest_one(session=session, embedder=embedder, settings=settings,
                       draft=from_text(BODY, source_name="a", outlet="New York Times"))
    second = ingest_one(session=session, embedder=embedder, settings=settings,
                        draft=from_text(BODY.replace("Monday", "Tuesday"), source_name="b", outlet="  new york   TIMES "))
    assert first.article_id != second.article_id
    outlets = {session.get(Article, r.article_id).outlet_id for r in (first, second)}
    assert len(outlets) == 1 and session.get(Outlet, outlets.pop()).name == "New York Times"


def test_a_chunk_annotation_is_stored_with_each_article(session, embedder, settings):
    """annotate runs once per chunk, before the articles' transactions; what it returns for an
    article is stored as that article's features."""
    drafts = [from_text(BODY, source_name="a.txt"), from_text(BODY.replace("Monday", "Tuesday"), source_name="b.txt")]
    chunks = []

    def annotate(prepared):
        chunks.append([p.draft.source_name for p in prepared])
        return [{"source": p.draft.source_name} for p in prepared]

    results = ingest(session, embedder, settings, drafts, annotate=annotate)
    assert chunks == [["a.txt", "b.txt"]]
    assert [session.get(Article, r.article_id).features for r in results] == [{"source": "a.txt"}, {"source": "b.txt"}]


def test_a_failing_annotation_still_stores_the_articles(session, embedder, settings):
    def annotate(prepared):
        raise RuntimeError("spaCy fell over")

    [result] = ingest(session, embedder, settings, [from_text(BODY, source_name="a.txt")], annotate=annotate)
    assert result.status == "ingested"
    assert session.get(Article, result.article_id).features is None


def test_the_next_chunk_is_embedded_while_the_previous_one_is_stored(session, embedder, settings):
    """Ingest is pipelined: storing and clustering chunk 1 overlaps the model work on chunk 2."""
    import threading

    second_chunk_embedding = threading.Event()

    class Watching:
        name = embedder.name

        def embed(self, texts):
            if any("Tuesday" in t for t in texts):
                second_chunk_embedding.set()
            return embedder.embed(texts)

    def on_store(session_, article):
        if "Monday" in article.clean_text:  # chunk 1 waits here until chunk 2 is being embedded
            wait_until(second_chunk_embedding.is_set, progress=cpu_steps,
                       what="chunk 2 to be embedded while chunk 1 is stored")

    drafts = [from_text(BODY, source_name="a.txt"), from_text(BODY.replace("Monday", "Tuesday"), source_name="b.txt")]
    results = ingest(session, Watching(), settings, drafts, on_store=on_store, chunk_size=1)
    assert [r.status for r in results] == ["ingested", "ingested"]


def test_a_duplicate_in_the_next_chunk_is_found_although_it_was_read_before_the_original_was_stored(
        session, embedder, settings):
    before = row_counts(session)
    results = ingest(session, embedder, settings, [
        Rejection("broken.jsonl:1", "malformed JSON"),
        from_text(BODY, source_name="x"),
        from_text(BODY, source_name="y"),
        from_text(BODY.replace("Monday", "Friday"), source_name="z"),
    ], chunk_size=1)
    assert [(r.source_name, r.status) for r in results] == [
        ("broken.jsonl:1", "rejected"), ("x", "ingested"), ("y", "duplicate"), ("z", "ingested")]
    assert results[2].article_id == results[1].article_id
    assert row_counts(session)["articles"] == before["articles"] + 2


def test_a_bulk_chunk_whose_grouping_fails_is_stored_one_article_at_a_time(session, embedder, settings):
    grouped_one_by_one = []

    def many(session_, articles):
        raise RuntimeError("batch grouping blew up")

    def one(session_, article):
        grouped_one_by_one.append(article.source_name)
        if article.source_name == "b.txt":
            raise RuntimeError("clustering blew up")

    before = row_counts(session)
    results = ingest(session, embedder, settings, [
        from_text(BODY, source_name="a.txt"), from_text(BODY.replace("Monday", "Tuesday"), source_name="b.txt"),
        from_text(BODY.replace("Monday", "Friday"), source_name="c.txt"),
    ], on_store=one, on_store_many=many)
    assert grouped_one_by_one == ["a.txt", "b.txt", "c.txt"]
    assert [r.status for r in results] == ["ingested", "rejected", "ingested"]
    assert "clustering blew up" in results[1].reason
    assert row_counts(session)["articles"] == before["articles"] + 2
    assert session.scalar(select(Article).where(Article.source_name == "b.txt")) is None


def test_an_article_of_a_bulk_chunk_that_fails_to_store_leaves_nothing_and_the_others_go_on(
        session, embedder, settings, monkeypatch):
    from app.ingest import service

    real = service.store_article

    def store(session_, prepared, *args, **kw):
        article = real(session_, prepared, *args, **kw)  # its rows are written...
        if prepared.draft.source_name == "b.txt":
            raise RuntimeError("disk full")  # ...then it fails
        return article

    monkeypatch.setattr(service, "store_article", store)
    grouped = []
    before = row_counts(session)
    results = ingest(session, embedder, settings, [
        from_text(BODY, source_name="a.txt"), from_text(BODY.replace("Monday", "Tuesday"), source_name="b.txt"),
        from_text(BODY, source_name="a-again.txt"), from_text(BODY.replace("Monday", "Friday"), source_name="c.txt"),
    ], on_store=lambda s, a: None, on_store_many=lambda s, articles: grouped.append([a.source_name for a in articles]))
    assert grouped == [["a.txt", "c.txt"]]
    assert [r.status for r in results] == ["ingested", "rejected", "duplicate", "ingested"]
    assert "disk full" in results[1].reason and results[2].article_id == results[0].article_id
    after = row_counts(session)
    assert (after["articles"], after["passages"]) == (before["articles"] + 2,
                                                     before["passages"] + 2 * len(session.get(Article, results[0].article_id).passages))
