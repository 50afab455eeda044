import numpy as np

from app.cluster.features import ArticleFeatures, PassageFacts
from app.cluster.pairs import FEATURES, PairContext, pair_features, probability
from app.cluster.stories import candidate_pairs
from app.cluster.vocabulary import DocumentFrequencies


def art(id, vectors, names):
    facts = [PassageFacts(names=list(names), sentences=[[f"@{n}" for n in names]]) for _ in vectors]
    return ArticleFeatures(id=id, title=None, published=None, outlet=None, passage_ids=list(range(len(vectors))),
                           passage_texts=[""] * len(vectors), passage_vectors=vectors, passages=facts)


def test_features_are_symmetric_and_shaped():
    arts = [art(1, [[1, 0, 0], [0, 1, 0]], ["izmir"]), art(2, [[1, 0, 0]], ["izmir"]), art(3, [[0, 0, 1]], ["oaxaca"])]
    ctx = PairContext(arts, DocumentFrequencies.from_articles(arts))
    x = pair_features(ctx, np.array([0, 1, 0]), np.array([1, 0, 2]))
    assert x.shape == (3, len(FEATURES))
    np.testing.assert_allclose(x[0], x[1])
    best = FEATURES.index("best_passage")
    assert x[0, best] == 1.0 and x[2, best] == 0.0
    p = probability(x)
    assert p[0] > p[2]


def test_candidate_pairs_hold_each_articles_nearest():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(50, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    i, j = candidate_pairs(v, k=3)
    assert np.all(i < j)
    got = set(zip(i.tolist(), j.tolist(), strict=True))
    sims = v @ v.T
    np.fill_diagonal(sims, -np.inf)
    for a in range(50):
        b = int(np.argmax(sims[a]))
        assert (min(a, b), max(a, b)) in got


def test_lead_name_missing_and_year_clash_count_against():
    import datetime as dt

    a = art(1, [[1, 0, 0]], ["jackson", "chargers"])
    b = art(2, [[1, 0, 0]], ["williams", "chargers"])
    c = art(3, [[1, 0, 0]], ["jackson", "chargers"])
    a.published, b.published, c.published = dt.date(2008, 1, 1), dt.date(2013, 1, 1), None
    arts = [a, b, c]
    ctx = PairContext(arts, DocumentFrequencies.from_articles(arts))
    x = pair_features(ctx, np.array([0, 0]), np.array([1, 2]))
    lead, years = FEATURES.index("lead_missing"), FEATURES.index("years")
    assert x[0, lead] > 0.0 and x[1, lead] == 0.0
    assert x[0, years] == -1.0 and x[1, years] == 0.0


def test_a_weekday_clash_in_the_lede_counts_against_a_pair():
    def reported(id, lede, later="Officials said more on Sunday."):
        a = art(id, [[1, 0, 0], [1, 0, 0], [1, 0, 0]], ["texas"])
        a.passage_texts = [lede, "The court gave no reasons.", later]
        return a

    blocked = reported(1, "A federal judge on Wednesday blocked the Texas abortion law.")
    reinstated = reported(2, "An appeals court on Friday let the Texas abortion law take effect again.")
    same_day = reported(3, "The Texas law was put on hold by a judge WEDNESDAY evening.")
    undated = reported(4, "A judge blocked the Texas abortion law.")
    assert blocked.weekdays == {"wednesday"}  # title and the first two passages; "Sunday" is later
    arts = [blocked, reinstated, same_day, undated]
    ctx = PairContext(arts, DocumentFrequencies.from_articles(arts))
    x = pair_features(ctx, np.array([0, 0, 0]), np.array([1, 2, 3]))
    clash = FEATURES.index("weekdays")
    assert x[:, clash].tolist() == [-1.0, 0.0, 0.0]  # another day; the same day; no day named
    p = probability(x)
    assert p[0] < p[1] and p[0] < p[2]
