"""Create jobs: background work (ingest, fetch by URL, recluster) claimed with FOR UPDATE SKIP LOCKED.

Revision ID: 1a5e6627ab51
Revises: 7465935273cf
Create Date: 2026-11-23 15:57:12.894431
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '1a5e6627ab51'
down_revision: str | None = '7465935273cf'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=128), nullable=True),
        sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('status', sa.String(length=16), server_default='queued', nullable=False),
        sa.Column('stage', sa.String(length=32), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('max_attempts', sa.Integer(), server_default='5', nullable=False),
        sa.Column('run_after', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('locked_by', sa.String(length=200), nullable=True),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    # At most one unfinished job per key (the same article submitted twice at once).
    op.create_index('ix_jobs_active_key', 'jobs', ['key'], unique=True,
                    postgresql_where=sa.text("status IN ('queued', 'running')"))
    op.create_index('ix_jobs_status_run_after', 'jobs', ['status', 'run_after'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_status_run_after', table_name='jobs')
    op.drop_index('ix_jobs_active_key', table_name='jobs')
    op.drop_table('jobs')
