"""After a recluster the vector indexes are read back into memory (app/db/warm.py)."""
from sqlalchemy import text

from app.db.vector_index import index_name
from app.db.warm import warm_vector_indexes


def test_the_embedded_server_s_vector_indexes_are_read_back_whole(session, embedder):
    size = sum(session.scalar(text("SELECT pg_relation_size(CAST(:i AS regclass))"), {"i": index_name(embedder.name, t)})
               for t in ("passages", "article_vectors"))
    assert size > 0
    assert warm_vector_indexes(session) >= size  # every vector index, whole (other models' too)

