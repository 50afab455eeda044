"""Write rate limits per client address, as token buckets kept in Postgres (table `rate_limits`),
so every server process and machine behind one database draws on the same bucket: with N servers
the limit stays the limit, not N times it. One upsert a write decides and updates atomically (its
row lock queues concurrent writes of one client)."""
from __future__ import annotations

import random

from sqlalchemy import Engine, text

_TAKE = text("""
INSERT INTO rate_limits AS r (client, tokens, updated_at) VALUES (:client, :burst - 1, clock_timestamp())
ON CONFLICT (client) DO UPDATE
   SET tokens = LEAST(:burst, r.tokens + :rate * EXTRACT(EPOCH FROM clock_timestamp() - r.updated_at)::float8) - 1,
       updated_at = clock_timestamp()
 WHERE LEAST(:burst, r.tokens + :rate * EXTRACT(EPOCH FROM clock_timestamp() - r.updated_at)::float8) >= 1
RETURNING tokens""")
_WAIT = text("""
SELECT (1 - LEAST(:burst, tokens + :rate * EXTRACT(EPOCH FROM clock_timestamp() - updated_at)::float8)) / :rate
  FROM rate_limits WHERE client = :client""")
# A bucket idle this long is full again however small the rate: its row can go.
_PRUNE = text("DELETE FROM rate_limits WHERE updated_at < clock_timestamp() - make_interval(secs => :idle)")
PRUNE_CHANCE = 0.01


class TokenBuckets:
    def __init__(self, engine: Engine, per_minute: float, burst: int):
        self.engine = engine
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))

    def take(self, client: str) -> float:
        """0 when the write may go ahead (a token is taken); otherwise the seconds until it could."""
        params = {"client": client[:64], "burst": self.burst, "rate": self.rate}
        with self.engine.begin() as conn:
            if conn.execute(_TAKE, params).first() is not None:
                if random.random() < PRUNE_CHANCE:
                    conn.execute(_PRUNE, {"idle": max(3600.0, self.burst / self.rate)})
                return 0.0
            wait = conn.scalar(_WAIT, params)
        return max(0.0, float(wait or 0.0))
