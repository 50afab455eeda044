"""Article features for clustering; full-text search over passages.

Revision ID: 61526be2e255
Revises: ac17ba919a4a
Create Date: 2026-11-23 15:19:42.509380
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '61526be2e255'
down_revision: str | None = 'ac17ba919a4a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('articles', sa.Column('features', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('passages', sa.Column('search', postgresql.TSVECTOR(), sa.Computed("to_tsvector('english', text)", persisted=True), nullable=False))
    op.create_index('ix_passages_search', 'passages', ['search'], unique=False, postgresql_using='gin')


def downgrade() -> None:
    op.drop_index('ix_passages_search', table_name='passages', postgresql_using='gin')
    op.drop_column('passages', 'search')
    op.drop_column('articles', 'features')
