"""Each article's own vector and its model, for the articles' HNSW index.

A new article is compared with the stories of its nearest articles by this vector (the same
vector and neighbour count a full recluster uses) instead of with the owners of each of its
passages' nearest passages: one index search over articles instead of one per passage over
fifteen times as many rows. The vector is derived from stored data (passages and title), so
existing rows are filled by the app at start-up (app/cluster/service.py:fill_article_vectors),
not here. The per-model HNSW index itself is made at run time (app/db/vector_index.py).

Revision ID: c41d7e2a9b13
Revises: 5b0e3c7d9a41
Create Date: 2026-11-29 22:30:00.000000
"""
from collections.abc import Sequence

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op

revision: str = 'c41d7e2a9b13'
down_revision: str | None = '5b0e3c7d9a41'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('articles', sa.Column('embedding', pgvector.sqlalchemy.vector.VECTOR(), nullable=True))
    op.add_column('articles', sa.Column('embedding_model', sa.String(length=200), nullable=True))
    op.create_index('ix_articles_without_embedding', 'articles', ['id'], unique=False,
                    postgresql_where=sa.text('embedding IS NULL'))


def downgrade() -> None:
    op.execute("DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexname FROM pg_indexes "
               "WHERE tablename = 'articles' AND indexname LIKE 'ix_articles_embedding_hnsw_%' "
               "LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP; END $$")
    op.drop_index('ix_articles_without_embedding', table_name='articles', postgresql_where=sa.text('embedding IS NULL'))
    op.drop_column('articles', 'embedding_model')
    op.drop_column('articles', 'embedding')
