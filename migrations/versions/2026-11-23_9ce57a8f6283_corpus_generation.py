"""A corpus generation number that every committed change to what pages show moves on.

Pages are cached per generation (app/web/page_cache.py). Whoever writes (the server, a worker, a
CLI ingest or recluster in another process), a deferred trigger bumps the number once per
transaction, at commit: readers see the new number only together with the new rows, and writers
hold the row lock only for the moment of their commit.

Revision ID: 9ce57a8f6283
Revises: 1a5e6627ab51
Create Date: 2026-11-23 18:05:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9ce57a8f6283'
down_revision: str | None = '1a5e6627ab51'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("outlets", "stories", "articles", "events", "passages", "cluster_redirects")

BUMP = """
CREATE FUNCTION parallax_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction however many rows it touched: the flag is local to the transaction.
    IF current_setting('parallax.generation_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE corpus_state SET generation = generation + 1 WHERE id = 1;
        PERFORM set_config('parallax.generation_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table('corpus_state',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_corpus_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corpus_state'))
    )
    op.execute("INSERT INTO corpus_state (id, generation) VALUES (1, 1)")
    op.execute(BUMP)
    for table in WATCHED:
        op.execute(f"CREATE CONSTRAINT TRIGGER bump_generation AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parallax_bump_generation()")
        op.execute(f"CREATE TRIGGER bump_generation_on_truncate AFTER TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION parallax_bump_generation()")


def downgrade() -> None:
    # Fire the deferred trigger events queued so far in this transaction (a downgrade further up may
    # have updated a watched table) while their triggers exist: dropped first, the commit failed
    # with "could not find trigger".
    op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in WATCHED:
        op.execute(f"DROP TRIGGER bump_generation_on_truncate ON {table}")
        op.execute(f"DROP TRIGGER bump_generation ON {table}")
    op.execute("DROP FUNCTION parallax_bump_generation()")
    op.drop_table('corpus_state')
