"""Sources (feeds and sitemaps polled by the workers) and the item URLs they have seen.

Revision ID: f7a3c9e1b2d8
Revises: e5b1c7d9a2f4
Create Date: 2026-12-03 05:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f7a3c9e1b2d8'
down_revision: str | None = 'e5b1c7d9a2f4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'sources',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('url', sa.Text(), nullable=False, unique=True),
        sa.Column('outlet', sa.String(length=200), nullable=True),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('interval_s', sa.Integer(), server_default='900', nullable=False),
        sa.Column('next_poll_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('etag', sa.Text(), nullable=True),
        sa.Column('last_modified', sa.Text(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
        sa.Column('paused', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('items_seen', sa.Integer(), server_default='0', nullable=False),
        sa.Column('articles_added', sa.Integer(), server_default='0', nullable=False),
        sa.Column('duplicates', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index('ix_sources_due', 'sources', ['paused', 'next_poll_at'])
    op.create_table(
        'source_items',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('source_id', sa.Integer(), sa.ForeignKey('sources.id', ondelete='CASCADE'), nullable=False),
        sa.Column('url', sa.Text(), nullable=False, unique=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='1', nullable=False),
        sa.Column('article_id', sa.Integer(), sa.ForeignKey('articles.id', ondelete='SET NULL'), nullable=True),
        sa.Column('seen_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index('ix_source_items_source_id', 'source_items', ['source_id'])


def downgrade() -> None:
    op.drop_table('source_items')
    op.drop_table('sources')
