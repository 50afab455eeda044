import json

from app.framing import EventFraming, StoryFraming, analyse_event, analyse_story
from app.framing.common import _DOCS, nlp
from tests.framing.conftest import passage, seed_passages


def test_story_json_shape(seed_story):
    data = seed_story.to_json()
    json.dumps(data)  # JSON-ready
    assert set(data) == {"outlets", "articles", "passages", "coverage", "independence", "naming", "wording",
                         "attribution", "tone", "events", "one_sided", "findings", "explain"}
    assert data["independence"]["summary"] == "3 articles, 3 independent reports"
    event = data["events"]["1"]
    assert set(event) == {"outlets", "passages", "naming", "wording", "attribution", "tone", "diffs",
                          "omitted_by", "one_sided", "findings", "explain"}
    span = event["naming"][0]["terms"]["seed-000"][0]["spans"][0]
    assert set(span) == {"passage_id", "start", "end", "text"}
    assert all(set(f) == {"kind", "text", "panel", "strength"} for f in data["findings"])


def test_every_number_has_an_explanation(seed_story):
    for rows in (seed_story.naming, seed_story.wording, seed_story.attribution, seed_story.tone,
                 seed_story.coverage, seed_story.one_sided):
        assert all(r.explain for r in rows)
    assert seed_story.independence.explain and seed_story.explain


def test_event_lists_outlets_that_omit_it():
    story = seed_passages(0) + seed_passages(1) + seed_passages(2)
    event = analyse_event(seed_passages(0)[:2] + seed_passages(2)[:2], story_passages=story)
    assert isinstance(event, EventFraming)
    assert event.omitted_by == ["seed-001"]


def test_story_with_unassigned_passages_and_one_outlet_events():
    a = passage("Kelly claimed that both Kyiv and Moscow could receive huge benefits.", id=1, outlet="a")
    b = passage("Kelly said that both Kyiv and Moscow could receive huge benefits.", id=2, outlet="b",
                article_id=2)
    lone = passage("Danish Prime Minister Mette Frederiksen warned of possible danger ahead.", id=3, outlet="b",
                   article_id=2)
    story = analyse_story({7: [a, b]}, [lone])
    assert isinstance(story, StoryFraming)
    assert story.events[7].diffs[0].changes[0].a.text == "claimed"
    assert {c.outlet: [s.passage_id for s in c.only_here] for c in story.coverage} == {"a": [], "b": [3]}


def test_a_ten_passage_event_parses_each_passage_once_and_a_second_look_parses_none(monkeypatch):
    """How fast the analysis is lives in bench/pages.py (first views); what keeps it fast is that
    spaCy sees each passage text once."""
    import app.framing.common as common

    ps = (seed_passages(0)[:4] + seed_passages(1)[:3] + seed_passages(2)[:3])
    for p in ps:
        _DOCS.pop(p.text, None)
    model = nlp()
    parsed: list[str] = []

    class Counting:
        def pipe(self, texts, **kwargs):
            texts = list(texts)
            parsed.extend(texts)
            return model.pipe(texts, **kwargs)

        def __getattr__(self, name):
            return getattr(model, name)

    monkeypatch.setattr(common, "nlp", lambda: Counting())
    analyse_event(ps)
    assert sorted(parsed) == sorted({p.text for p in ps})
    parsed.clear()
    analyse_event(ps)
    assert parsed == []