"""Event membership in its own table, passage_events, instead of passages.event_id.

A regrouping rewrites many memberships; as a column of passages every rewrite was a new
passages row version, with inserts into the HNSW vector index, the full-text index (and the
recomputed tsvector) and the event_id index. Now it touches only a two-column table. The table
is watched by the corpus generation triggers (see 9ce57a8f6283): membership changes what pages show.

Revision ID: 5b0e3c7d9a41
Revises: 9ce57a8f6283
Create Date: 2026-11-23 19:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b0e3c7d9a41'
down_revision: str | None = '9ce57a8f6283'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('passage_events',
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_passage_events_event_id_events'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['passage_id'], ['passages.id'], name=op.f('fk_passage_events_passage_id_passages'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('passage_id', name=op.f('pk_passage_events'))
    )
    op.execute("INSERT INTO passage_events (passage_id, event_id) "
               "SELECT id, event_id FROM passages WHERE event_id IS NOT NULL")
    op.create_index(op.f('ix_passage_events_event_id'), 'passage_events', ['event_id'], unique=False)
    op.execute("CREATE CONSTRAINT TRIGGER bump_generation AFTER INSERT OR UPDATE OR DELETE ON passage_events "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parallax_bump_generation()")
    op.execute("CREATE TRIGGER bump_generation_on_truncate AFTER TRUNCATE ON passage_events "
               "FOR EACH STATEMENT EXECUTE FUNCTION parallax_bump_generation()")
    op.drop_index(op.f('ix_passages_event_id'), table_name='passages')
    op.drop_constraint(op.f('fk_passages_event_id_events'), 'passages', type_='foreignkey')
    op.drop_column('passages', 'event_id')


def downgrade() -> None:
    op.add_column('passages', sa.Column('event_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_passages_event_id_events'), 'passages', 'events', ['event_id'], ['id'],
                          ondelete='SET NULL')
    op.create_index(op.f('ix_passages_event_id'), 'passages', ['event_id'], unique=False)
    # After every ALTER of passages: the update queues its deferred generation trigger events.
    op.execute("UPDATE passages SET event_id = pe.event_id FROM passage_events pe WHERE pe.passage_id = passages.id")
    op.execute("DROP TRIGGER bump_generation_on_truncate ON passage_events")
    op.execute("DROP TRIGGER bump_generation ON passage_events")
    op.drop_index(op.f('ix_passage_events_event_id'), table_name='passage_events')
    op.drop_table('passage_events')
