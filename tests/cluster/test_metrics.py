import pytest

from app.cluster.metrics import adjusted_rand_index, bcubed, labels_from_groups, score


def test_bcubed_matches_a_hand_computed_example():
    # items 0,1 gold a; 2,3 gold b; predicted {0,1,2} {3}
    # precision per item: 2/3, 2/3, 1/3, 1 -> 2/3; recall: 1, 1, 1/2, 1/2 -> 3/4
    p, r, f = bcubed(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(3 / 4)
    assert f == pytest.approx(12 / 17)


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([0, 0, 1, 1], [5, 5, 7, 7], (1.0, 1.0, 1.0)),  # same partition, other names
        ([0, 0, 1, 1], [1, 1, 1, 1], (0.5, 1.0, 2 / 3)),  # everything in one cluster
        ([0, 0, 1, 1], [1, 2, 3, 4], (1.0, 0.5, 2 / 3)),  # every item alone
    ],
)
def test_bcubed_on_trivial_partitions(gold, predicted, expected):
    assert bcubed(gold, predicted) == pytest.approx(expected)


def test_ari_is_one_for_identical_partitions_and_zero_for_chance_level():
    assert adjusted_rand_index([0, 0, 1, 1], [3, 3, 9, 9]) == pytest.approx(1.0)
    # contingency (a,1)=2 (b,1)=1 (b,2)=1: index 1, expected 2*3/6 = 1 -> ARI 0
    assert adjusted_rand_index(["a", "a", "b", "b"], [1, 1, 1, 2]) == pytest.approx(0.0)


def test_ari_matches_the_textbook_value():
    # Hubert & Arabie ARI of this pair is 0.2424... (also scikit-learn's documented example)
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(8 / 33)


def test_labels_from_groups_gives_loose_items_their_own_label():
    labels = labels_from_groups([[10, 11], [12]], [10, 11, 12, 13])
    assert labels[0] == labels[1] != labels[2]
    assert labels[3] not in labels[:3]


def test_score_refuses_labelings_of_different_lengths():
    with pytest.raises(ValueError):
        score([1, 2], [1])
