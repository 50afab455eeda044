"""The embedded title of each article, beside its passages' vectors.

Revision ID: 32793e7e6820
Revises: 04800cd824e4
Create Date: 2026-11-23 15:49:54.004496
"""
from collections.abc import Sequence

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op

revision: str = '32793e7e6820'
down_revision: str | None = '04800cd824e4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('articles', sa.Column('title_embedding', pgvector.sqlalchemy.vector.VECTOR(), nullable=True))


def downgrade() -> None:
    op.drop_column('articles', 'title_embedding')
