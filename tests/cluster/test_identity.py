from app.cluster.identity import match_groups


def test_a_group_that_grew_keeps_its_id():
    m = match_groups({7: {1, 2, 3}}, [{1, 2, 3, 4, 5, 6, 7, 8}])
    assert m.kept == {0: 7} and m.successors == {}


def test_a_group_that_shrank_a_little_keeps_its_id():
    m = match_groups({7: {1, 2, 3, 4}}, [{1, 2, 3}, {4}])
    assert m.kept == {0: 7}


def test_merged_groups_keep_the_larger_id_and_the_other_points_to_it():
    m = match_groups({3: {1, 2, 3, 4}, 9: {5, 6}}, [{1, 2, 3, 4, 5, 6}])
    assert m.kept == {0: 3}
    assert m.successors == {9: 0}


def test_split_group_gives_its_id_to_the_bigger_part():
    m = match_groups({4: {1, 2, 3, 4, 5}}, [{1, 2}, {3, 4, 5}])
    assert m.kept == {1: 4}


def test_unrelated_new_groups_get_no_old_id():
    m = match_groups({1: {1, 2}}, [{1, 2}, {10, 11}])
    assert m.kept == {0: 1}


def test_a_group_whose_members_scattered_points_to_where_most_went():
    m = match_groups({1: {1, 2, 3, 4, 5, 6}, 2: {7, 8, 9, 10, 11, 12}, 5: {13, 14, 15, 16, 17}},
                     [{1, 2, 3, 4, 5, 6, 13}, {7, 8, 9, 10, 11, 12, 14, 15}, {16, 17, 18, 19, 20, 21}])
    assert m.kept == {0: 1, 1: 2}
    assert 5 not in m.kept.values()
    assert m.successors[5] == 1


def test_matching_is_deterministic_under_equal_overlaps():
    old = {2: {1, 2}, 1: {3, 4}}
    new = [{1, 2, 3, 4}]
    assert match_groups(old, new).kept == {0: 1}
    assert match_groups(old, new).successors == {2: 0}
