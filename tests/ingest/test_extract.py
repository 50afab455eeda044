"""HTML given as plain text (pasted, or a JSONL `text`) is told apart from prose and read as HTML."""
import pytest

from app.ingest.extract import from_text, looks_like_html

PARAGRAPHS = ("<p>The harbour authority closed the northern pier on Friday after inspectors found cracks.</p>\n"
              "<p>Ferry services will move to the southern terminal for at least three weeks, officials said.</p>")
PAGE = ("<!DOCTYPE html>\n<html><head><title>Pier closed</title><script>track()</script></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Pier closed</h1>" + PARAGRAPHS + "</article>"
        "<footer>Copyright</footer></body></html>")


@pytest.mark.parametrize(("text", "html"), [
    (PAGE, True),
    ("\ufeff\n  " + PAGE, True),  # a byte-order mark and blank lines before it
    ("<html lang='en'><body><div>" + PARAGRAPHS + "</div></body></html>", True),  # no doctype
    (PARAGRAPHS, True),  # an article's paragraphs copied from a page's source
    ('<div class="story">\n<h2>Pier</h2>\n<span>Friday</span></div>', True),
    ("The pier closed on Friday. Ferries move south.", False),
    ("Use the <p> tag for paragraphs and </p> to close one.", False),  # prose about HTML
    ("<p> is the paragraph tag </p>, they said.", False),  # one element closed: not markup
    ("<b>Breaking:</b> the pier closed on Friday.", False),
    ("<<< Scroll down for the story >>>\n\nThe pier closed.</p></p>", False),  # not a tag it opens with
    ("<3 to everyone at the harbour </div></div>", False),
    ("<paragraph>Not HTML</paragraph><paragraph>but XML</paragraph>", False),
])
def test_html_markup_is_told_apart_from_prose(text, html):
    assert looks_like_html(text) is html


def test_html_given_as_text_is_extracted_as_an_html_upload_would_be():
    draft = from_text(PAGE, source_name="paste", outlet="Harbour Herald")
    assert draft.source_format == "html" and draft.html == PAGE
    assert draft.title == "Pier closed" and draft.outlet == "Harbour Herald"
    assert "<p>" not in draft.text and "track()" not in draft.text and "Home | World" not in draft.text
    assert "cracks" in draft.text and "three weeks" in draft.text
    plain = from_text("The pier closed on Friday.\n\nFerries move south.", source_name="paste")
    assert plain.source_format == "text" and plain.html is None
