from app.framing.diff import closest_pairs, diff_passages
from tests.framing.conftest import passage


def test_word_diff_shows_the_substitution_with_spans():
    a = passage("The United States urged both Ukraine and the Russian dictatorship to take responsibility.",
                id=1, outlet="a")
    b = passage("The United States urged both Ukraine and the Russian president to take responsibility.",
                id=2, outlet="b")
    changes = diff_passages(a, b)
    assert [(c.op, c.a.text, c.b.text) for c in changes] == [("replace", "dictatorship", "president")]
    assert (changes[0].a.passage_id, changes[0].b.passage_id) == (1, 2)


def test_closest_pair_is_chosen_per_outlet_pair_and_unrelated_pairs_skipped():
    a1 = passage("Kelly claimed that both Kyiv and Moscow could receive huge benefits.", id=1, outlet="a")
    a2 = passage("These attacks have killed numerous civilians.", id=2, outlet="a")
    b1 = passage("Kelly said that both Kyiv and Moscow could receive huge benefits.", id=3, outlet="b")
    c1 = passage("Canada and the United States monitor developments with close attention.", id=4, outlet="c")
    diffs = closest_pairs([a1, a2, b1, c1])
    assert [(d.outlet_a, d.outlet_b, d.passage_a, d.passage_b) for d in diffs] == [("a", "b", 1, 3)]
    assert [(c.a.text, c.b.text) for c in diffs[0].changes] == [("claimed", "said")]


def test_embeddings_pick_the_pair_when_given():
    import numpy as np

    a = passage("alpha", id=1, outlet="a")
    b = passage("beta", id=2, outlet="b")
    diffs = closest_pairs([a, b], embed=lambda texts: np.ones((len(texts), 3)))
    assert diffs[0].method == "embedding" and diffs[0].similarity > 0.99
