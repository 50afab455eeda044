"""Background work as rows in Postgres: `jobs` claimed with FOR UPDATE SKIP LOCKED by `parallax worker`
(or one worker thread inside `parallax serve` on the embedded database)."""
