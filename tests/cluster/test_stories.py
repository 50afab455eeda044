import datetime as dt
import itertools

import numpy as np
import pytest

from app.cluster.features import article_features
from app.cluster.stories import _split, choose_story, cluster_stories, regroup_neighbourhood, story_similarity
from app.ingest.clean import clean
from app.ingest.passages import split_passages
from tests.conftest import seed_texts

# Two made-up earthquakes: same topic, words and shape, different place, date and numbers.
TURKEY = [
    ("Strong quake hits western Turkey", dt.date(2021, 3, 3),
     "A magnitude 6.4 earthquake struck near Izmir in western Turkey on Wednesday, killing 12 people and "
     "injuring hundreds, Turkey's disaster agency AFAD said. Rescue teams searched collapsed buildings in the "
     "Bayrakli district through the night.\n\nPresident Erdogan said the government would rebuild every home."),
    ("Izmir earthquake death toll rises to 12", dt.date(2021, 3, 4),
     "The death toll from the 6.4 magnitude earthquake that hit the Turkish city of Izmir rose to 12 on "
     "Thursday, AFAD said, as rescuers pulled a girl alive from the rubble in Bayrakli.\n\nAftershocks "
     "continued to shake the Aegean coast, and thousands of residents spent the night in tents."),
]
MEXICO = [
    ("Powerful earthquake shakes southern Mexico", dt.date(2022, 9, 19),
     "A magnitude 7.1 earthquake struck the southern Mexican state of Oaxaca on Monday, killing three people "
     "and damaging hundreds of homes, Mexico's civil protection agency said. The quake hit on the anniversary "
     "of the 1985 and 2017 disasters.\n\nPresident Lopez Obrador said the army was helping residents."),
    ("Oaxaca quake leaves three dead", dt.date(2022, 9, 20),
     "Three people died when a 7.1 magnitude earthquake hit Oaxaca in southern Mexico, officials said on "
     "Tuesday, as the army distributed water and tents to families whose homes were damaged.\n\nSchools in "
     "the region stayed closed while engineers inspected buildings."),
]


def build(embedder, id, title, published, text):
    c = clean(text, detect_title=title is None)
    title = title or c.title
    texts = [c.text[s.start : s.end] for s in split_passages(c.text, max_chars=480, min_chars=120)]
    return article_features(
        id=id, title=title, published=published, outlet=None,
        passage_ids=list(range(100 * id, 100 * id + len(texts))), passage_texts=texts,
        passage_vectors=embedder.embed(texts),
        title_vector=embedder.embed([title])[0] if title else None,
    )


@pytest.fixture(scope="module")
def quakes(embedder):
    rows = TURKEY + MEXICO
    return [build(embedder, i + 1, title, day, text) for i, (title, day, text) in enumerate(rows)]


def test_the_three_seed_articles_form_one_story(embedder):
    seeds = [build(embedder, i + 1, None, None, text) for i, text in enumerate(seed_texts())]
    assert cluster_stories(seeds) == [[1, 2, 3]]


def test_two_earthquakes_in_different_places_and_years_stay_apart(quakes):
    turkey_a, turkey_b, mexico_a, mexico_b = quakes
    assert story_similarity(turkey_a, turkey_b) > story_similarity(turkey_a, mexico_a) + 0.3
    assert cluster_stories(quakes) == [[1, 2], [3, 4]]


def test_grouping_does_not_depend_on_input_order(quakes):
    expected = cluster_stories(quakes)
    for order in itertools.permutations(quakes):
        assert cluster_stories(list(order)) == expected


def test_similarity_is_symmetric(quakes):
    a, _, c, _ = quakes
    assert story_similarity(a, c) == pytest.approx(story_similarity(c, a))


def test_a_new_article_joins_the_story_it_reports_and_not_the_look_alike(quakes):
    turkey_a, turkey_b, mexico_a, mexico_b = quakes
    assert choose_story(turkey_b, {10: [turkey_a], 20: [mexico_a, mexico_b]}) == 10
    assert choose_story(mexico_b, {20: [mexico_a], 10: [turkey_a, turkey_b]}) == 20


def test_a_new_article_about_something_else_starts_a_new_story(embedder, quakes):
    other = build(embedder, 9, "Central bank raises rates", dt.date(2022, 9, 21),
                  "The central bank raised its key interest rate by a quarter point on Wednesday, citing "
                  "persistent inflation, and signalled further increases this year.")
    assert choose_story(other, {10: quakes[:2], 20: quakes[2:]}) is None
    assert choose_story(other, {}) is None


def test_a_new_article_regroups_its_neighbourhood_splitting_a_story_chained_across_events(quakes):
    """An older assignment left the Izmir and Oaxaca quakes in one story: the next Izmir report
    clusters the whole neighbourhood again, and the two events come apart."""
    turkey_a, turkey_b, mexico_a, mexico_b = quakes
    assert regroup_neighbourhood(turkey_b, {10: [turkey_a, mexico_a], 20: [mexico_b]}) == [[1, 2], [3, 4]]


def test_a_new_article_and_no_neighbours_is_a_story_of_its_own(quakes):
    assert regroup_neighbourhood(quakes[0], {}) == [[1]]


def test_past_the_neighbourhood_limit_a_new_article_only_joins_a_story(quakes):
    turkey_a, turkey_b, mexico_a, mexico_b = quakes
    assert regroup_neighbourhood(turkey_b, {10: [turkey_a], 20: [mexico_a, mexico_b]}, up_to=2) == [[1, 2], [3, 4]]
    chained = regroup_neighbourhood(turkey_b, {10: [turkey_a, mexico_a], 20: [mexico_b]}, up_to=2)
    assert any({1, 3} <= set(group) for group in chained)  # left as it was: not split
    assert sorted(a for group in chained for a in group) == [1, 2, 3, 4]


@pytest.mark.parametrize(("days", "parts"), [
    ([0, 0, 40, 41], [[0, 1], [2, 3]]),  # weeks apart: two look-alike stories
    ([np.nan] * 4, [[0, 1], [2, 3]]),  # dates unknown: the similarities decide
    ([0, 1, 0, 1], [[0, 1, 2, 3]]),  # one news cycle: one story told two ways
    ([0, 0, 1, np.nan], [[0, 1, 2, 3]]),
])
def test_a_story_is_split_in_two_tight_halves_unless_they_were_published_in_one_news_cycle(days, parts):
    prob = np.full((4, 4), 0.6)
    prob[:2, :2] = prob[2:, 2:] = 0.95
    np.fill_diagonal(prob, 1.0)
    out: list[np.ndarray] = []
    _split(prob, np.arange(4), 0.15, out, np.array(days, dtype=float))
    assert sorted(sorted(p.tolist()) for p in out) == parts


def test_single_and_empty_inputs(quakes):
    assert cluster_stories([]) == []
    assert cluster_stories(quakes[:1]) == [[1]]


def _story_vectors(n_articles: int, seed: int = 4):
    """Article vectors of about four a story: noisy copies of each story's random direction."""
    import numpy as np

    from bench.synthetic import synthetic_corpus

    rng = np.random.default_rng(seed)
    vectors = np.stack([v.mean(axis=0) for _, v, _ in synthetic_corpus(n_articles, 3, rng)])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_large_corpus_probes_nearby_cells_and_still_finds_the_close_pairs():
    import numpy as np

    from app.cluster.stories import _probed_neighbours, candidate_pairs

    vectors = _story_vectors(3000)
    exact_i, exact_j = candidate_pairs(vectors)  # under EXACT_UP_TO: every article against every other
    close = np.einsum("ij,ij->i", vectors[exact_i], vectors[exact_j]) > 0.5
    queries, found = _probed_neighbours(vectors, 30)
    probed = {(min(a, b), max(a, b)) for a, b in zip(queries.tolist(), found.tolist(), strict=True)}
    wanted = set(zip(exact_i[close].tolist(), exact_j[close].tolist(), strict=True))
    assert len(wanted) > 2000
    assert len(wanted & probed) / len(wanted) >= 0.98
    assert all(a != b for a, b in probed)
    again_q, again_f = _probed_neighbours(vectors, 30)
    assert np.array_equal(queries, again_q) and np.array_equal(found, again_f)  # deterministic
