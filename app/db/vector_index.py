"""HNSW indexes, one per embedding model and table: passages (search by meaning) and
article_vectors (the nearest articles a new one is compared with). The vector columns have no
fixed dimension (the model is a setting), so each index casts to its model's dimension and
covers only that model's rows."""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLES = ("passages", "article_vectors")
PREFIXES = {"passages": "ix_passages_embedding_hnsw_", "article_vectors": "ix_article_vectors_hnsw_"}


def is_vector_index(name: str | None) -> bool:
    return bool(name) and name.startswith(tuple(PREFIXES.values()))


def index_name(model_name: str, table: str = "passages") -> str:
    return PREFIXES[table] + re.sub(r"[^a-z0-9]+", "_", model_name.lower()).strip("_")[:30]


def distance_sql(dim: int, param: str = ":query", table: str = "passages") -> str:
    """The ORDER BY expression that the model's index serves (cosine distance)."""
    return f"({table}.embedding::vector({int(dim)})) <=> CAST({param} AS vector({int(dim)}))"


def exact_distance_sql(param: str = ":query", table: str = "passages") -> str:
    """The same distance without the cast the index is built on: an exact scan. pgvector's HNSW
    scan can return fewer rows than asked when many index entries point at dead rows (rolled
    back or deleted, not yet vacuumed), so callers fall back to this when the index falls short."""
    return f"{table}.embedding <=> CAST({param} AS vector)"


def ensure_vector_index(conn: Connection, model_name: str, dim: int, tables: tuple[str, ...] = TABLES) -> None:
    literal = model_name.replace("'", "''")
    for table in tables:
        conn.execute(text(
            f"CREATE INDEX IF NOT EXISTS {index_name(model_name, table)} ON {table} USING hnsw "
            f"((embedding::vector({int(dim)})) vector_cosine_ops) WHERE embedding_model = '{literal}'"
        ))
