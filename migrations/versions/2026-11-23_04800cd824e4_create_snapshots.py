"""Create snapshots: frozen copies of shared comparisons (/c/<id>).

Revision ID: 04800cd824e4
Revises: 61526be2e255
Create Date: 2026-11-23 15:22:12.413036
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '04800cd824e4'
down_revision: str | None = '61526be2e255'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'snapshots',
        sa.Column('id', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=200), nullable=False),
        sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('snapshots')
