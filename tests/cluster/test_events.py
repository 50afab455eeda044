import random

import numpy as np
import pytest

from app.cluster.events import cluster_events, event_label, story_title
from app.cluster.features import ArticleFeatures, PassageFacts, article_features
from app.ingest.clean import clean
from app.ingest.passages import split_passages
from tests.conftest import seed_texts


@pytest.fixture(scope="module")
def seeds(embedder):
    out = []
    for i, raw in enumerate(seed_texts()):
        c = clean(raw, detect_title=True)
        texts = [c.text[s.start : s.end] for s in split_passages(c.text, max_chars=480, min_chars=120)]
        out.append(article_features(
            id=i, title=c.title, published=None, outlet=None,
            passage_ids=list(range(100 * i, 100 * i + len(texts))), passage_texts=texts,
            passage_vectors=embedder.embed(texts),
        ))
    return out


@pytest.fixture(scope="module")
def seed_events(seeds):
    text = {pid: t for f in seeds for pid, t in zip(f.passage_ids, f.passage_texts, strict=True)}
    return [[text[p] for p in group] for group in cluster_events(seeds)]


def event_with(events, *phrases):
    """The event holding a passage with each phrase, or None."""
    for texts in events:
        if all(any(p in t for t in texts) for p in phrases):
            return texts
    return None


def test_the_ceasefire_statements_of_two_outlets_are_one_event(seed_events):
    assert event_with(seed_events, "peace must begin with a full ceasefire", "verifiable ceasefires")


def test_the_statements_at_the_un_are_one_event_across_three_outlets(seed_events):
    # The Security Council meeting (000), the General Assembly resolution (001) and the
    # Secretary-General's offer to mediate (002).
    event = event_with(seed_events, "United Nations Security Council meeting", "In the resolution, Russia was not acknowledged",
                       "Secretary-General has signaled")
    assert event is not None and len(event) == 3


def test_the_origin_of_the_war_told_as_invasion_and_as_military_operation_is_one_event(seed_events):
    # Seed 001 tells it ("Russia had invaded first three years ago") in the passage that also
    # reports Trump blaming Ukraine, and a passage joins one event only: see the report.
    assert event_with(seed_events, "full-scale invasion by the Russian dictatorship",
                      "military operation announced by the Russian president")


def story_of(*articles: list[list[str]]) -> list[ArticleFeatures]:
    """Articles given as passages, each passage as the terms of its sentences; every passage's
    vector is orthogonal to every other, so only shared words can make an event."""
    count = sum(len(a) for a in articles)
    vectors, out, k = np.eye(count, dtype=np.float32), [], 0
    for i, passages in enumerate(articles):
        out.append(ArticleFeatures(
            id=i, title=None, published=None, outlet=None, passage_ids=list(range(k, k + len(passages))),
            passage_texts=[f"Passage {k + j} of the story, long enough to be a report and not a caption." for j in range(len(passages))],
            passage_vectors=vectors[k : k + len(passages)], passages=[PassageFacts(sentences=[terms]) for terms in passages]))
        k += len(passages)
    return out


def test_a_sentence_naming_only_what_half_the_story_names_does_not_make_an_event():
    # "This was untrue, since Russia had invaded first": Russia is all it names, and half the
    # story's passages name Russia. Sharing a rare word as well, the same sentence would.
    filler = [["@russia", "tank"], ["harvest"], ["storm"]], [["@russia", "envoy"], ["budget"], ["school"]]
    alone = story_of([["@russia"], *filler[0]], [["@russia", "resolution", "vote"], *filler[1]])
    assert cluster_events(alone) == []
    shared = story_of([["@russia", "referendum"], *filler[0]], [["@russia", "referendum", "vote"], *filler[1]])
    assert cluster_events(shared) == [[0, 4]]


def test_events_span_articles_with_one_passage_each_and_never_share_a_passage(seeds):
    owner = {pid: f.id for f in seeds for pid in f.passage_ids}
    groups = cluster_events(seeds)
    assert groups
    seen = set()
    for group in groups:
        articles = [owner[p] for p in group]
        assert len(set(articles)) == len(articles) >= 2
        assert not seen & set(group)
        seen |= set(group)


def test_page_chrome_never_reaches_an_event(seed_events):
    for texts in seed_events:
        for t in texts:
            assert "Previous Article" not in t and "Get a summary" not in t and "Severe Storms" not in t


def test_events_do_not_depend_on_input_order(seeds):
    expected = cluster_events(seeds)
    shuffled = seeds[:]
    random.Random(3).shuffle(shuffled)
    assert cluster_events(shuffled) == expected
    assert cluster_events(list(reversed(seeds))) == expected


def test_a_lone_article_has_no_events(seeds):
    assert cluster_events(seeds[:1]) == []
    assert cluster_events([]) == []


def test_event_label_is_a_short_sentence_from_the_event(seeds):
    group = cluster_events(seeds)[0]
    text = {pid: t for f in seeds for pid, t in zip(f.passage_ids, f.passage_texts, strict=True)}
    vec = {pid: v for f in seeds for pid, v in zip(f.passage_ids, f.passage_vectors, strict=True)}
    label = event_label([text[p] for p in group], np.stack([vec[p] for p in group]))
    assert 10 < len(label) <= 90
    assert "cluster" not in label.lower()
    assert label.rstrip("…")[:40] in " ".join(" ".join(text[p].split()) for p in group)


def test_an_event_label_that_would_open_with_an_unresolved_pronoun_is_another_sentence_of_the_event():
    texts = ["Guterres addressed the assembly on Tuesday. He also referenced the war in Ukraine and the "
             "ceasefire talks in Geneva.",
             "The war in Ukraine and the ceasefire talks in Geneva dominated the secretary-general's speech."]
    vectors = np.zeros((2, 4))  # two passages: the first is taken as the central one
    assert event_label(texts, vectors) == ("The war in Ukraine and the ceasefire talks in Geneva dominated the "
                                           "secretary-general's…")  # trimmed to 90 characters
    # Where the central passage's own sentence stands alone, it stays the label.
    texts[0] = "Guterres spoke of the war in Ukraine and the ceasefire talks in Geneva."
    assert event_label(texts, vectors) == texts[0]


def test_an_event_label_drops_a_leading_connective_and_keeps_a_dependent_sentence_when_nothing_stands_alone():
    texts = ["However, the court struck down the ban on Friday.", "The ban was struck down by the court."]
    assert event_label(texts, np.zeros((2, 4))) == "The court struck down the ban on Friday."
    texts = ["He signed the budget bill into law.", "She praised the budget bill."]
    assert event_label(texts, np.zeros((2, 4))) == "He signed the budget bill into law."


def test_story_title_prefers_an_article_title(seeds):
    titles = [f.title for f in seeds]
    ledes = [f.passage_texts[0] for f in seeds]
    vectors = np.stack([f.vector for f in seeds])
    assert story_title(titles, ledes, vectors) == "UN mediator stance on Ukraine dialogue and global diplomacy"


def test_story_title_without_any_title_is_marked_as_taken_from_the_lede(seeds):
    ledes = [f.passage_texts[0] for f in seeds]
    title = story_title([None, None, None], ledes, np.stack([f.vector for f in seeds]))
    assert title.startswith("From the lede: ")
    assert len(title) <= 90
