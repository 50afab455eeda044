from app.framing.independence import independence, near_copies
from tests.framing.conftest import seed_text


def test_wire_copy_and_light_rewrite_are_one_report():
    wire = seed_text(0)
    reprint = "By Wire Staff\n\n" + wire.replace("Kelly claimed", "Kelly said")
    found = near_copies({1: wire, 2: reprint, 3: seed_text(1), 4: seed_text(2)})
    assert [g.article_ids for g in found] == [[1, 2]]
    assert found[0].containment > 0.9


def test_summary_counts_independent_reports():
    report = independence({1: seed_text(0), 2: seed_text(0), 3: seed_text(1)})
    assert (report.articles, report.independent_reports) == (3, 2)
    assert report.summary == "3 articles, 2 independent reports"
    assert report.explain


def test_short_excerpt_contained_in_longer_article_is_a_copy():
    full = seed_text(1)
    excerpt = full[:600]
    assert near_copies({1: full, 2: excerpt})[0].article_ids == [1, 2]
