import pytest

from app.cluster.features import ArticleFeatures, PassageFacts
from app.cluster.vocabulary import DocumentFrequencies, article_terms, tfidf_matrix


def art(id, *sentences, numbers=()):
    facts = [PassageFacts(sentences=[list(s)], numbers=list(numbers)) for s in sentences]
    return ArticleFeatures(id=id, title=None, published=None, outlet=None, passage_ids=list(range(len(facts))),
                           passage_texts=[""] * len(facts), passage_vectors=[[1.0, 0.0]] * len(facts), passages=facts)


def test_terms_count_the_lede_double_and_mark_numbers():
    terms = article_terms(art(1, ["quake", "@izmir"], ["quake"], numbers=["6.4"]))
    assert terms["quake"] == 3.0 and terms["@izmir"] == 2.0 and terms["#6.4"] == 3.0


def test_rare_terms_weigh_more_and_unseen_most():
    df = DocumentFrequencies.from_articles([art(1, ["quake", "@izmir"]), art(2, ["quake", "@oaxaca"])])
    assert df.idf("quake") < df.idf("@izmir") < df.idf("never-seen")


def test_round_trips_through_json():
    df = DocumentFrequencies.from_articles([art(1, ["quake"])])
    again = DocumentFrequencies.from_json(df.to_json())
    assert again == df and again.idf("quake") == pytest.approx(df.idf("quake"))


def test_tfidf_rows_are_unit_and_shared_rare_terms_count():
    arts = [art(1, ["quake", "@izmir"]), art(2, ["quake", "@izmir"]), art(3, ["quake", "@oaxaca"])]
    m = tfidf_matrix(arts, DocumentFrequencies.from_articles(arts))
    sims = (m @ m.T).toarray()
    assert sims[0, 0] == pytest.approx(1.0)
    assert sims[0, 1] > sims[0, 2]
    assert tfidf_matrix(arts, DocumentFrequencies.from_articles(arts), prefix="@")[0].nnz == 1
