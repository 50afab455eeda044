import pytest
from sqlalchemy import create_engine, inspect, text

from app.db.migrate import check, upgrade


def test_migrations_build_an_empty_database_without_drift(fresh_database):
    engine = create_engine(fresh_database)
    try:
        with engine.begin() as conn:
            upgrade(conn)
        with engine.connect() as conn:
            check(conn)  # raises when models and migrations disagree
            tables = set(inspect(conn).get_table_names())
            assert {"outlets", "articles", "passages", "stories", "events", "cluster_redirects"} <= tables
            assert conn.scalar(text("SELECT extname FROM pg_extension WHERE extname = 'vector'")) == "vector"
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", ["passages", "article_vectors"])
def test_the_model_index_is_hnsw_over_the_model_dimension(engine, embedder, table):
    from app.db.vector_index import index_name

    with engine.connect() as conn:
        definition = conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": index_name(embedder.name, table)}
        )
    assert f"ON public.{table} USING hnsw" in definition and "vector(384)" in definition
    assert "vector_cosine_ops" in definition and embedder.name in definition
