import pytest

from app.ingest.clean import clean, drop_leading_title, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cafe\u0301 society", "Café society"),  # NFC
        ("a\u00a0b\t\tc", "a b c"),  # odd spaces collapse
        ("line one\r\nline two\r", "line one\nline two"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("  \n\n text \n\n", "text"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_paragraphs_are_separated_by_one_blank_line():
    assert clean("First paragraph.\n\n\n\nSecond paragraph.").text == "First paragraph.\n\nSecond paragraph."


def test_single_newlines_separate_paragraphs_when_lines_are_long():
    text = "A" * 300 + ".\n" + "B" * 300 + "."
    assert clean(text).text.split("\n\n") == ["A" * 300 + ".", "B" * 300 + "."]


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    text = (
        "The minister said on Tuesday that the talks would go on\n"
        "despite the walkout, and that a deal was still possible\n"
        "before the end of the month."
    )
    assert clean(text).text == " ".join(text.split("\n"))


def test_summary_widget_and_navigation_trailer_are_removed():
    raw = (
        "Headline of the story here\n\nNo time to read?\nGet a summary\n\n"
        "Body paragraph one is here and it is a sentence.\n\nBody two is also a sentence.\n\n"
        "No time to read?\nGet a summary\nPrevious Article\n\nUnrelated Headline About Storms\n\n"
        "Next Article\n\nAnother Unrelated Headline"
    )
    result = clean(raw, detect_title=True)
    assert result.title == "Headline of the story here"
    assert result.text == "Body paragraph one is here and it is a sentence.\n\nBody two is also a sentence."
    assert "Unrelated Headline About Storms" in result.removed


def test_trailer_marker_inside_the_story_is_kept_when_real_sentences_follow():
    raw = "Opening sentence of the article.\n\nRead more\n\nThe story goes on with a full sentence."
    assert "The story goes on" in clean(raw).text


@pytest.mark.parametrize(
    ("raw", "byline"),
    [
        ("Body text of the article goes here.\n\nWritten by Claire Liu", "Claire Liu"),
        ("By Jane Roe and John Doe\n\nBody text of the article goes here.", "Jane Roe and John Doe"),
    ],
)
def test_byline_lines_become_the_byline(raw, byline):
    result = clean(raw)
    assert result.byline == byline
    assert result.text == "Body text of the article goes here."


def test_a_sentence_starting_with_by_is_not_a_byline():
    raw = "By the end of the day the vote had passed.\n\nMore text."
    assert clean(raw).byline is None


def test_long_first_line_is_not_a_title():
    raw = "At a recent meeting, the United States urged both sides to end the war.\n\nMore."
    assert clean(raw, detect_title=True).title is None


def test_given_title_repeated_as_first_paragraph_is_dropped():
    assert drop_leading_title("Big News\n\nBody.", "Big  news") == "Body."
    assert drop_leading_title("Other\n\nBody.", "Big news") == "Other\n\nBody."
