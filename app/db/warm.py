"""Read the vector indexes back into memory after work that pushed them out of it. A full
recluster holds gigabytes (about 13 GB at 100k articles), so the page cache loses the 3 GB
passages index; every new article then inserts its passages into that index, visiting pages
all over its graph, and read from disk one random 8 KB page at a time they made one more
article take 1.6-2.5 s instead of about 0.4 s (bench/scale.py, 100k articles). Read in order,
the whole index takes about 3 s."""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db.vector_index import is_vector_index

log = logging.getLogger(__name__)
CHUNK = 1 << 24


def _vector_indexes(session: Session) -> list[str]:
    names = session.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1"))
    return [name for name in names if is_vector_index(name)]


def _prewarm(session: Session, indexes: list[str]) -> int | None:
    """Through pg_prewarm ('read': into the server's OS cache, whatever the sizes) where the
    database has that extension (an operator's choice: `CREATE EXTENSION pg_prewarm`); else None."""
    if session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_prewarm'")) == 0:
        return None
    return sum(session.scalar(text("SELECT pg_prewarm(CAST(:i AS regclass), 'read')"), {"i": i}) * 8192
               for i in indexes)


def _read_files(session: Session, indexes: list[str]) -> int:
    """The index files read by this process into the OS page cache: only where the server's data
    folder is on this machine (the embedded server)."""
    try:
        with session.begin_nested():
            folder = Path(session.scalar(text("SHOW data_directory")))
    except DBAPIError:  # only superusers may see it
        return 0
    done = 0
    for index in indexes:
        base = folder / session.scalar(text("SELECT pg_relation_filepath(CAST(:i AS regclass))"), {"i": index})
        for segment in [base, *sorted(base.parent.glob(base.name + ".*"), key=lambda p: int(p.suffix[1:]))]:
            try:
                with segment.open("rb", buffering=0) as f:
                    while chunk := f.read(CHUNK):
                        done += len(chunk)
            except OSError:  # another machine's folder, or not ours to read
                continue
    return done


def warm_vector_indexes(session: Session) -> int:
    """Bytes of the HNSW indexes read back into memory (0 where neither way is open)."""
    indexes = _vector_indexes(session)
    done = _prewarm(session, indexes)
    if done is None:
        done = _read_files(session, indexes)
    log.info("read %.1f MB of vector indexes back into memory", done / 1e6)
    return done
