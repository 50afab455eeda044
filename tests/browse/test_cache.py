from app.browse.cache import JsonCache


def test_a_hit_returns_the_stored_value_without_computing():
    cache = JsonCache(max_bytes=1000)
    calls = []
    first = cache.get_or_compute("k", lambda: calls.append(1) or {"a": [1, 2]})
    again = cache.get_or_compute("k", lambda: calls.append(1) or {"a": "other"})
    assert first == again == {"a": [1, 2]}
    assert calls == [1]


def test_least_recently_used_entries_leave_once_the_json_size_passes_the_bound():
    cache = JsonCache(max_bytes=30)  # each value below is 12 bytes as JSON
    for key in ("a", "b"):
        cache.get_or_compute(key, lambda: {"x": "12345"})
    cache.get_or_compute("a", lambda: None)  # "a" used again: "b" is now the oldest
    cache.get_or_compute("c", lambda: {"x": "12345"})
    assert cache.size <= 30
    recomputed = []
    for key in ("a", "c", "b"):  # b last: computing it again evicts another entry
        cache.get_or_compute(key, lambda key=key: recomputed.append(key) or {"x": "12345"})
    assert recomputed == ["b"]


def test_a_value_larger_than_the_bound_is_returned_but_not_kept():
    cache = JsonCache(max_bytes=5)
    assert cache.get_or_compute("big", lambda: ["a long string"]) == ["a long string"]
    assert cache.size == 0
