"""A bounded in-process cache of JSON-ready results. The framing analysis of a story takes
hundreds of milliseconds, so pages keep many of them; a plain entry count cannot bound memory
when one story's framing is a hundred times an event's, so the bound is on their size as JSON
(measured once, when stored). Values are shared between requests: callers must not mutate them."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class JsonCache:
    """Least recently used out once the entries' JSON sizes pass `max_bytes`. Thread-safe: the
    server runs sync routes in a thread pool."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]
        value = compute()  # outside the lock: two threads may compute the same key once each
        self._put(key, value, len(json.dumps(value, separators=(",", ":"))))
        return value

    def _put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size += size - (old[1] if old is not None else 0)
            self._items[key] = (value, size)
            while self.size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0
