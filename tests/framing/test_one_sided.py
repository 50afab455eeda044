"""One-sided content: sentences that read as slanted background or characterisation are marked,
with the words that weighed most and the other outlets that tell the same thing."""
from app.framing.one_sided import MODEL_FILE, analyse_one_sided, sentence_model
from tests.framing.conftest import by_outlet, docs_for, passage

SLANTED = ("The senator, who is known for his combative style and has long been accused of misleading "
           "voters, refused to apologize.")
PLAIN = "The vote is scheduled for Tuesday at 10 a.m. in Washington."


def test_a_characterisation_is_marked_and_a_plain_schedule_is_not():
    p = passage(f"{PLAIN} {SLANTED}")
    [result] = analyse_one_sided([p], docs_for(p))
    assert result.checked == 2
    [marked] = result.sentences
    assert marked.span.text == SLANTED
    assert p.text[marked.span.start:marked.span.end] == SLANTED
    assert marked.score >= sentence_model().threshold
    assert marked.cues and all(c.isalpha() and c.lower() in SLANTED.lower() for c in marked.cues)


def test_also_in_names_the_outlets_that_tell_the_same_sentence_and_only_here_is_empty():
    a = passage(SLANTED, id=1, outlet="a", article_id=1)
    b = passage("The senator, known for a combative style and accused of misleading voters, refused to apologize.",
                id=2, outlet="b", article_id=2)
    c = passage(PLAIN, id=3, outlet="c", article_id=3)
    result = analyse_one_sided([a, b, c], docs_for(a, b, c))
    assert by_outlet(result, "a").sentences[0].also_in == ["b"]
    assert by_outlet(result, "c").sentences == []


def test_the_model_file_names_its_source_and_keeps_no_text():
    data = MODEL_FILE.read_text(encoding="utf-8")
    assert "BASIL" in data and "weights only" in data
    model = sentence_model()
    assert 0 < model.threshold < 1 and len(model.weight) > 1000


def test_story_and_event_framing_carry_one_sided_sentences(seed_story):
    story = seed_story.to_json()
    assert {o["outlet"] for o in story["one_sided"]} == {"seed-000", "seed-001", "seed-002"}
    assert all(o["checked"] >= len(o["sentences"]) for o in story["one_sided"])
    assert story["events"]["1"]["one_sided"]
