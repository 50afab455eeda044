import datetime as dt

import numpy as np
import pytest

from app.cluster.features import (
    ArticleFeatures,
    article_features,
    article_vector,
    name_tokens,
    normalise_number,
)
from app.ingest.clean import clean
from app.ingest.passages import split_passages

TEXT = (
    "A magnitude 6.4 earthquake struck near Izmir, Turkey, on March 3, 2021, killing 12 people and "
    "injuring 1,200, the disaster agency AFAD said.\n\n"
    "“The buildings shook for a long time and then everything went dark,” said Ayse Demir, a "
    "teacher in the Bayrakli district, where 40 buildings collapsed."
)


def build(embedder, text=TEXT, *, id=1, title="Quake hits Izmir", published=dt.date(2021, 3, 3)):
    c = clean(text)
    texts = [c.text[s.start : s.end] for s in split_passages(c.text, max_chars=480, min_chars=120)]
    return article_features(
        id=id, title=title, published=published, outlet="Example News",
        passage_ids=list(range(100 * id, 100 * id + len(texts))), passage_texts=texts,
        passage_vectors=embedder.embed(texts),
    )


def test_names_numbers_dates_and_quotes_are_extracted(embedder):
    f = build(embedder)
    assert {"izmir", "turkey"} <= set(f.names)
    assert f.names["izmir"] > f.names["turkey"]  # the title mentions Izmir: counted extra
    assert {"6.4", "12", "1200"} & set(f.numbers)
    assert {"2021", "mar 3"} <= set(f.dates)
    assert any("buildings shook" in q for p in f.passages for q in p.quotes)


def test_the_article_vector_is_unit_length(embedder):
    f = build(embedder)
    assert np.linalg.norm(f.vector) == pytest.approx(1.0, abs=1e-5)


def test_features_survive_a_json_round_trip_without_spacy(embedder):
    import json

    f = build(embedder)
    stored = json.loads(json.dumps(f.to_json()))
    g = ArticleFeatures.from_json(
        stored, id=f.id, title=f.title, published=f.published, outlet=f.outlet, passage_ids=f.passage_ids,
        passage_texts=f.passage_texts, passage_vectors=f.passage_vectors,
    )
    assert g.names == f.names and g.numbers == f.numbers and g.dates == f.dates
    assert np.allclose(g.vector, f.vector)


def test_stale_stored_features_are_refused(embedder):
    f = build(embedder)
    stored = f.to_json() | {"version": -1}
    with pytest.raises(ValueError):
        ArticleFeatures.from_json(
            stored, id=f.id, title=f.title, published=f.published, outlet=f.outlet, passage_ids=f.passage_ids,
            passage_texts=f.passage_texts, passage_vectors=f.passage_vectors,
        )


def test_a_title_vector_moves_the_article_vector_towards_the_title():
    passages = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    title = np.array([0.0, 0.0, 1.0], dtype=np.float32)
    assert article_vector(passages)[2] == 0
    assert article_vector(passages, title)[2] > 0.5
    assert article_vector(passages)[0] > article_vector(passages)[1]  # the lede weighs more


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,200", "1200"), ("7.1-magnitude", "7.1"), ("$5 million", None), ("$50 million", "50"), ("three", None),
     ("12", "12"), ("2,5", "2.5")],
)
def test_normalise_number(text, expected):
    assert normalise_number(text) == expected


def test_name_tokens_drop_articles_and_possessives():
    assert name_tokens("the Kremlin's") == ["kremlin"]
    assert name_tokens("Tara Reid") == ["tara", "reid"]


def test_features_of_a_chunk_match_one_article_at_a_time():
    """Ingest runs spaCy once per chunk (features_json_many); the features must be those that
    article_features computes for each article alone."""
    from app.cluster.features import features_json_many

    articles = [("Quake hits Izmir", [TEXT[:150], TEXT[150:]]), (None, [TEXT]), ("Reid said", ["Tara Reid said."])]
    batch = features_json_many(articles)
    for (title, passages), stored in zip(articles, batch, strict=True):
        alone = article_features(id=1, title=title, published=None, outlet=None,
                                 passage_ids=list(range(len(passages))), passage_texts=passages,
                                 passage_vectors=np.zeros((len(passages), 4), dtype=np.float32))
        assert stored == alone.to_json()


def test_sentence_terms_are_noun_lemmas_and_names_per_sentence():
    """Nouns come from the tagger's tags (plurals lemmatised from spaCy's tables, indefinite
    pronouns left out), names as @tokens, dates and amounts never as words; one list per sentence
    of the splitter's sentencizer."""
    from app.cluster.features import facts_of_many

    passage = ("Rescuers searched the collapsed buildings in Izmir for 40 survivors on Monday. "
               "Everybody in the villages helped the teams. Nothing was left of the houses.")
    [(_title, [facts])] = facts_of_many([(None, [passage])])
    assert facts.sentences == [
        ["rescuer", "building", "@izmir", "survivor"],
        ["village", "team"],
        ["house"],
    ]


def test_spacy_runs_only_what_the_features_read():
    from app.cluster.features import load_nlp

    assert load_nlp().pipe_names == ["tok2vec", "tagger", "sentencizer"]


def test_names_come_from_proper_nouns_and_national_adjectives_never_from_days_or_months():
    """Names are the tagger's proper nouns and capitalised adjectives inside a sentence
    ("Russian"); a weekday or month is a date, a year is a date and not a number."""
    from app.cluster.features import facts_of_many

    passage = ("Prime Minister Boris Johnson, 55, met Russian diplomats in London on Tuesday, Oct. 15, 2019, "
               "and promised 2,500 new visas within 90 days to 30-year-old workers.")
    [(_title, [facts])] = facts_of_many([(None, [passage])])
    assert {"boris", "johnson", "russian", "london"} <= set(facts.names)
    assert not {"tuesday", "oct", "october"} & set(facts.names)
    assert facts.numbers == ["2500"]
    assert set(facts.dates) == {"2019", "oct 15"}
    [terms] = facts.sentences
    assert "@johnson" in terms and "@russian" in terms and "visa" in terms and "@tuesday" not in terms


def test_a_month_in_a_name_stays_a_name_and_an_amount_after_a_month_stays_an_amount():
    from app.cluster.features import facts_of_many

    passage = "Theresa May met Jan Egeland in March. In May 2,000 people left, and 36–3 was the record."
    [(_title, [facts])] = facts_of_many([(None, [passage])])
    assert {"theresa", "may", "jan", "egeland"} <= set(facts.names) and "march" not in facts.names
    assert facts.numbers == ["2000"] and facts.dates == []
