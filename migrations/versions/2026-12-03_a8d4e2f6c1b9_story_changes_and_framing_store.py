"""What each corpus generation changed, and the framing work kept in the database.

- `corpus_changes`: for every generation, the stories it touched (story 0: something every page
  may show, such as an outlet). The deferred trigger that moves the generation on now also writes
  these rows, in the same transaction, so a server that kept pages of generation g can drop only
  the pages of the stories changed since (app/web/page_cache.py). The last CHANGES_KEPT
  generations are kept; `corpus_state.changes_from` is the oldest one still listed.
- `passage_parses`: the spaCy parse of a passage's text, by the text's digest (a text always
  parses the same with one parser), so a story's framing after a new article parses only the new
  passages.
- `framings`: the latest framing analysis of each story and event, with the digest of what it was
  computed from; workers compute it after a change, pages read it.

Revision ID: a8d4e2f6c1b9
Revises: f7a3c9e1b2d8
Create Date: 2026-12-03 07:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'a8d4e2f6c1b9'
down_revision: str | None = 'f7a3c9e1b2d8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGES_KEPT = 10000

# The same trigger function the corpus_generation migration made (every watched table's rows call it
# at commit), now also noting which story each row belongs to. Rows whose story is gone (a deleted
# article's passages) need nothing: the deleted parent's own row named it.
BUMP_AND_NOTE = f"""
CREATE OR REPLACE FUNCTION parallax_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gen bigint;
    story integer;
    other integer;
BEGIN
    IF current_setting('parallax.generation_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE corpus_state SET generation = generation + 1 WHERE id = 1 RETURNING generation INTO gen;
        PERFORM set_config('parallax.generation_bumped', txid_current()::text, true);
        PERFORM set_config('parallax.generation', gen::text, true);
        PERFORM set_config('parallax.noted', ',', true);
        IF gen % 1000 = 0 THEN
            DELETE FROM corpus_changes WHERE generation <= gen - {CHANGES_KEPT};
            UPDATE corpus_state SET changes_from = greatest(changes_from, gen - {CHANGES_KEPT} + 1) WHERE id = 1;
        END IF;
    ELSE
        gen := current_setting('parallax.generation')::bigint;
    END IF;
    IF TG_LEVEL = 'STATEMENT' OR (TG_TABLE_NAME = 'outlets' AND TG_OP <> 'INSERT') THEN
        story := 0;  -- a truncate, or a name shown on many stories' pages
    ELSIF TG_TABLE_NAME IN ('outlets', 'cluster_redirects') THEN
        -- A new outlet shows only where its articles go (noted with them); a redirect replaces
        -- a story or event whose own deletion was noted.
        RETURN NULL;
    ELSIF TG_TABLE_NAME = 'stories' THEN
        story := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    ELSIF TG_TABLE_NAME IN ('articles', 'events') THEN
        IF TG_OP <> 'INSERT' THEN other := OLD.story_id; END IF;
        IF TG_OP <> 'DELETE' THEN story := NEW.story_id; END IF;
    ELSIF TG_TABLE_NAME = 'passages' THEN
        SELECT a.story_id INTO story FROM articles a
         WHERE a.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.article_id ELSE NEW.article_id END;
    ELSIF TG_TABLE_NAME = 'passage_events' THEN
        IF TG_OP <> 'INSERT' THEN SELECT e.story_id INTO other FROM events e WHERE e.id = OLD.event_id; END IF;
        IF TG_OP <> 'DELETE' THEN SELECT e.story_id INTO story FROM events e WHERE e.id = NEW.event_id; END IF;
    END IF;
    FOREACH story IN ARRAY ARRAY[story, other] LOOP
        CONTINUE WHEN story IS NULL
            OR position(',' || story || ',' IN current_setting('parallax.noted')) > 0;
        INSERT INTO corpus_changes (generation, story_id) VALUES (gen, story) ON CONFLICT DO NOTHING;
        PERFORM set_config('parallax.noted', current_setting('parallax.noted') || story || ',', true);
    END LOOP;
    RETURN NULL;
END
$$
"""

BUMP_ONLY = """
CREATE OR REPLACE FUNCTION parallax_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
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
    op.create_table(
        'corpus_changes',
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('generation', 'story_id', name=op.f('pk_corpus_changes')),
    )
    op.add_column('corpus_state', sa.Column('changes_from', sa.BigInteger(), nullable=True))
    # Generations before this one have no changes listed.
    op.execute("UPDATE corpus_state SET changes_from = generation + 1")
    op.alter_column('corpus_state', 'changes_from', nullable=False)
    op.execute(BUMP_AND_NOTE)
    op.create_table(
        'passage_parses',
        sa.Column('digest', sa.LargeBinary(), primary_key=True),
        sa.Column('parser', sa.String(length=100), nullable=False),
        sa.Column('doc', sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        'framings',
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('inputs', sa.LargeBinary(), nullable=False),
        sa.Column('body', postgresql.JSONB(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'subject_id', name=op.f('pk_framings')),
    )


def downgrade() -> None:
    op.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire queued trigger events while the function still notes
    op.drop_table('framings')
    op.drop_table('passage_parses')
    op.execute(BUMP_ONLY)
    op.drop_column('corpus_state', 'changes_from')
    op.drop_table('corpus_changes')
