"""Each article's own vector and its model, in a table of its own, for the articles' HNSW index.

A new article is compared with the stories of its nearest articles by this vector (the same
vector and neighbour count a full recluster uses) instead of with the owners of each of its
passages' nearest passages: one index search over articles instead of one per passage over
fifteen times as many rows. Not a column of articles: an articles row is rewritten whenever its
story changes, and each rewrite would be an insert into the HNSW index. The vector is derived
from stored data (passages and title), so existing articles get theirs from the app at start-up
(app/cluster/service.py:fill_article_vectors), not here. The per-model HNSW index itself is
made at run time (app/db/vector_index.py).

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
    op.create_table('article_vectors',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('embedding', pgvector.sqlalchemy.vector.VECTOR(), nullable=False),
    sa.Column('embedding_model', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_vectors_article_id_articles'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_article_vectors'))
    )


def downgrade() -> None:
    op.drop_table('article_vectors')  # its HNSW indexes go with it
