"""Write rate limits in Postgres: one token bucket per client address, shared by every server.

Revision ID: e5b1c7d9a2f4
Revises: d2f8a6c4b175
Create Date: 2026-12-02 18:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e5b1c7d9a2f4'
down_revision: str | None = 'd2f8a6c4b175'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rate_limits',
        sa.Column('client', sa.String(length=64), primary_key=True),
        sa.Column('tokens', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('rate_limits')
