"""Passage text cut into highlight segments: overlaps side by side, never nested; text always escaped."""

import pytest
from bs4 import BeautifulSoup

from app.db.models import Event, Story
from app.web.highlights import Mark, framing_spans, segments
from tests.factories import make_article, make_outlet, web_client

LOADED = Mark("loaded", "loaded term (pejorative label): ‘dictatorship’")
NAMING = Mark("naming", "how A names Russia: ‘Russian dictatorship’")
VERB = Mark("attribution", "distancing attribution verb: ‘claimed’", "distancing")


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], [("the Russian dictatorship claimed", ())]),
        (
            [(4, 24, NAMING), (12, 24, LOADED)],
            [("the ", ()), ("Russian ", (NAMING,)), ("dictatorship", (LOADED, NAMING)), (" claimed", ())],
        ),
        (
            [(12, 32, NAMING), (25, 32, VERB)],  # a verb inside a naming span: the verb leads
            [("the Russian ", ()), ("dictatorship ", (NAMING,)), ("claimed", (VERB, NAMING))],
        ),
        (
            [(25, 32, VERB), (25, 32, VERB), (0, 99, LOADED)],  # duplicates merge, spans past the end are cut
            [("the Russian dictatorship ", (LOADED,)), ("claimed", (VERB, LOADED))],
        ),
    ],
)
def test_segments_cover_the_text_once_in_order(spans, expected):
    text = "the Russian dictatorship claimed"
    out = segments(7, text, spans)
    assert [(s.text, s.marks) for s in out] == expected
    assert "".join(s.text for s in out) == text
    assert len({s.id for s in out if s.marks}) == sum(1 for s in out if s.marks)
    assert all(s.id.startswith("why-7-") for s in out if s.marks)


def test_framing_spans_skip_plain_names_and_explain_each_kind():
    span = lambda s, e, t: {"passage_id": 1, "start": s, "end": e, "text": t}  # noqa: E731
    framing = {
        "attribution": [
            {
                "attributions": [
                    {
                        "speaker": None,
                        "source": "vague",
                        "verb": "claimed",
                        "stance": "distancing",
                        "negated": False,
                        "inside_quote": False,
                        "verb_span": span(0, 7, "claimed"),
                    }
                ]
            }
        ],
        "wording": [
            {
                "loaded": [
                    {"term": "dictator*", "category": "pejorative label", "span": span(8, 20, "dictatorship")}
                ]
            }
        ],
        "naming": [
            {
                "referent": "the war",
                "varied": True,
                "terms": {
                    "A": [
                        {"term": "war", "count": 2, "spans": [span(21, 24, "war")]},
                        {
                            "term": "unprovoked invasion",
                            "count": 1,
                            "spans": [span(25, 44, "unprovoked invasion")],
                        },
                    ]
                },
            }
        ],
    }
    found = {(s, e): m for s, e, m in framing_spans(framing)[1]}
    assert found[(0, 7)].variant == "distancing" and "a vague source" in found[(0, 7)].why
    assert found[(8, 20)].why == "loaded term (pejorative label): ‘dictatorship’"
    assert (21, 24) not in found  # "war" is the plain name of the war
    assert found[(25, 44)].why.startswith("how A names the war: ‘unprovoked invasion’")


def span(start: int, end: int, text: str) -> dict:
    return {"passage_id": 1, "start": start, "end": end, "text": text}


def test_evaluative_words_are_marked_and_quoted_ones_say_whose_words_they_are():
    framing = {"wording": [{
        "loaded": [],
        "quoted_loaded": [{"term": "sham", "category": "evaluative modifier", "span": span(30, 34, "sham")}],
        "evaluative": [{"term": "scathing", "category": "evaluative word: a rare word, a negative sentiment word",
                        "span": span(2, 10, "scathing")}],
        "quoted_evaluative": [{"term": "grotesque", "category": "evaluative word", "span": span(15, 24, "grotesque")}],
    }]}
    found = {(s, e): m for s, e, m in framing_spans(framing)[1]}
    assert found[(2, 10)].kind == "loaded" and found[(2, 10)].why.startswith("evaluative word: ‘scathing’")
    assert found[(2, 10)].why.endswith("(a rare word, a negative sentiment word)")
    assert "most unusual and charged" in found[(15, 24)].why  # a snapshot's hit from before the word model
    assert "inside a quote" not in found[(2, 10)].why
    assert "inside a quote: the speaker's words" in found[(15, 24)].why
    assert found[(30, 34)].why.startswith("loaded term (evaluative modifier): ‘sham’ (inside a quote")
    # A snapshot taken before evaluative words existed still highlights its loaded terms.
    older = {"wording": [{"loaded": [{"term": "sham", "category": "x", "span": span(30, 34, "sham")}]}]}
    assert list(framing_spans(older)[1]) and framing_spans(older)[1][0][:2] == (30, 34)


def test_passage_text_is_escaped_inside_and_outside_marks(session):
    story = Story(title="Escaping")
    session.add(story)
    session.flush()
    event = Event(story=story, label="Escaping event")
    session.add(event)
    texts = [
        "<script>alert(1)</script> The minister claimed the <b>dictatorship</b> lied.",
        "The minister said the regime <i>lied</i> about the vote on Tuesday.",
    ]
    for text in texts:
        make_article(session, paragraphs=[text], outlet=make_outlet(session), story=story, events=[event])
    session.commit()
    with web_client(session) as client:
        response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>dictatorship" not in response.text
    page = BeautifulSoup(response.text, "html.parser")
    quotes = page.select("blockquote.passage")
    assert [q.select_one("mark") is not None for q in quotes] == [True, True]
    assert quotes[0].get_text().startswith("<script>alert(1)</script> The minister claimed")
    assert not page.select("blockquote script, blockquote b, blockquote mark mark")
