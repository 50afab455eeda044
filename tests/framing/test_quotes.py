import pytest

from app.framing.quotes import find_quotes
from tests.framing.conftest import seed_text


def quoted(text):
    return [(text[q.start:q.end], q.depth) for q in find_quotes(text)]


def test_finds_curly_quotes_and_skips_apostrophes():
    text = "Kelly claimed that both Kyiv and Moscow could receive “huge benefits” by agreeing to Russia’s offer."
    assert quoted(text) == [("“huge benefits”", 0)]


def test_quote_inside_quote_has_depth_one():
    text = "“He told us ‘peace must begin with a full ceasefire’ and left,” the diplomat said."
    assert quoted(text) == [("“He told us ‘peace must begin with a full ceasefire’ and left,”", 0),
                            ("‘peace must begin with a full ceasefire’", 1)]


@pytest.mark.parametrize("text, expected", [
    ('He said "fake peace" twice.', ['"fake peace"']),
    ("The countries' leaders met.", []),
    ("Ukraine’s presidential advisor", []),
])
def test_straight_quotes_and_possessives(text, expected):
    assert [q for q, _ in quoted(text)] == expected


def test_seed_001_has_its_quotes():
    found = [q for q, _ in quoted(seed_text(1))]
    assert "“behind Ukraine’s back,”" in found
    assert "“dictator without elections,”" in found
    assert "“fake peace.”" in found


@pytest.mark.parametrize("text, expected", [
    ("“The point is, we want it strong.\n\n“We have worked hard for that,” she said.",
     ["“The point is, we want it strong.", "“We have worked hard for that,”"]),
    ('He said: "It was bad.\n\n"And worse," he said.', ['"It was bad.', '"And worse,"']),
    ("The mayor spoke.\n\n“The harbour has survived worse storms and it will survive this", [
        "“The harbour has survived worse storms and it will survive this"]),
])
def test_a_quote_over_several_paragraphs_closes_at_each_paragraph_end(text, expected):
    """Newspaper convention: no closing mark before a paragraph that opens with a quote mark again;
    a quote opened at a paragraph start that the passage cuts off closes where the text ends."""
    assert [q for q, _ in quoted(text)] == expected


def test_a_stray_mark_in_the_middle_of_a_paragraph_stays_unbalanced():
    assert quoted("The so-called “plan was never written down, officials said.") == []


@pytest.mark.parametrize("text, expected", [
    ("“The pier is safe,” she said. “We will open it in May.", ["“The pier is safe,”", "“We will open it in May."]),
    ('He said it. "We will open it in May.\n\nThe council met.', ['"We will open it in May.']),
])
def test_a_quote_opened_at_a_sentence_start_and_never_closed_ends_with_its_paragraph(text, expected):
    """The passage was cut inside a long quote, or the closing mark was forgotten."""
    assert [q for q, _ in quoted(text)] == expected
