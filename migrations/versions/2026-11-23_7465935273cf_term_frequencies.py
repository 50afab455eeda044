"""Document frequencies of clustering terms (the IDF of story similarity).

Revision ID: 7465935273cf
Revises: 32793e7e6820
Create Date: 2026-11-23 15:56:49.793526
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7465935273cf'
down_revision: str | None = '32793e7e6820'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('term_frequencies',
    sa.Column('term', sa.Text(), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_term_frequencies'))
    )


def downgrade() -> None:
    op.drop_table('term_frequencies')
