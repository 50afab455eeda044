"""A token bucket per client address, in process memory: right for one server process; with several
servers each keeps its own buckets, so the effective limit is multiplied by their number."""
from __future__ import annotations

import threading
import time


class TokenBuckets:
    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill)
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead; otherwise the seconds until it could."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                self._trim()
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate else 60.0

    def _trim(self) -> None:
        if len(self._buckets) > self.max_clients:  # drop the longest idle half
            ordered = sorted(self._buckets.items(), key=lambda kv: kv[1][1])
            self._buckets = dict(ordered[len(ordered) // 2:])
