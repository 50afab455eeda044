"""Bounded in-process caches, sized by what they hold rather than by a count of entries: one
story's framing can be a hundred times an event's, one page ten times another.

- `BoundedCache`: least recently used out once the sizes given with the entries pass `max_bytes`.
- `JsonCache`: JSON-ready results (the framing analysis of a story takes hundreds of
  milliseconds), sized by their JSON, measured once when stored.

Values are shared between requests: callers must not mutate them. Thread-safe: the server runs
sync routes in a thread pool."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class BoundedCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size += size - (old[1] if old is not None else 0)
            self._items[key] = (value, size)
            while self.size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def drop_where(self, unwanted: Callable[[Any], bool]) -> list[tuple[Hashable, Any, int]]:
        """Drops the entries whose value is unwanted; returns them (key, value, size)."""
        dropped = []
        with self._lock:
            for key in [k for k, (value, _) in self._items.items() if unwanted(value)]:
                value, size = self._items.pop(key)
                self.size -= size
                dropped.append((key, value, size))
        return dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)


class JsonCache(BoundedCache):
    """One computation per key at a time: a thread asking for a key another thread is computing
    waits for that result (a story page's framing, asked for by its readers and the worker at
    once, is analysed once)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self._computing: dict[Hashable, threading.Event] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        while True:
            found = self.get(key)
            if found is not None:
                return found
            with self._lock:
                running = self._computing.get(key)
                if running is None:
                    done = self._computing[key] = threading.Event()
                    break
            running.wait()  # then read what it kept (or compute, had it failed or been too big to keep)
        try:
            value = compute()
            self.put(key, value, len(json.dumps(value, separators=(",", ":"))))
            return value
        finally:
            with self._lock:
                del self._computing[key]
            done.set()
