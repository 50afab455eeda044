from alembic import context
from sqlalchemy import create_engine, pool

from app.db import models  # noqa: F401  (registers the tables)
from app.db.base import Base, database_url
from app.db.vector_index import is_vector_index
from app.jobs import models as job_models  # noqa: F401
from app.security import models as security_models  # noqa: F401
from app.snapshots import models as snapshot_models  # noqa: F401
from app.sources import models as source_models  # noqa: F401

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    # Per-model HNSW indexes are made at run time (app/db/vector_index.py), not by migrations.
    return not (type_ == "index" and is_vector_index(name))


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
