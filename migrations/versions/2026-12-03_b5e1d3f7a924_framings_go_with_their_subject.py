"""Framings go with their story or event: a kept framing is deleted with what it framed.

Regrouping a story replaces events whose passages changed, and a removal or a recluster deletes
stories and events; their kept framings (often hundreds of kilobytes of JSON) stayed behind. One
trigger per table and statement deletes the framings of the rows the statement deleted (a
transition table, so a recluster that deletes 100,000 events runs one delete, not 100,000), and a
truncate of events or stories empties their framings. Framings left behind before this migration
are deleted now.

Revision ID: b5e1d3f7a924
Revises: a9d4e2f6c813
Create Date: 2026-12-03 10:05:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'b5e1d3f7a924'
down_revision: str | None = 'a9d4e2f6c813'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECTS = (("events", "event"), ("stories", "story"))


def upgrade() -> None:
    for table, kind in SUBJECTS:
        op.execute(f"""
            CREATE FUNCTION parallax_forget_{kind}_framings() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' THEN
                    DELETE FROM framings WHERE kind = '{kind}';
                ELSE
                    DELETE FROM framings f USING gone WHERE f.kind = '{kind}' AND f.subject_id = gone.id;
                END IF;
                RETURN NULL;
            END $$""")
        op.execute(f"""
            CREATE TRIGGER {table}_forget_framings AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
            EXECUTE FUNCTION parallax_forget_{kind}_framings()""")
        op.execute(f"""
            CREATE TRIGGER {table}_truncate_forgets_framings AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION parallax_forget_{kind}_framings()""")
        op.execute(f"DELETE FROM framings f WHERE f.kind = '{kind}' "
                   f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = f.subject_id)")


def downgrade() -> None:
    for table, kind in SUBJECTS:
        op.execute(f"DROP TRIGGER {table}_truncate_forgets_framings ON {table}")
        op.execute(f"DROP TRIGGER {table}_forget_framings ON {table}")
        op.execute(f"DROP FUNCTION parallax_forget_{kind}_framings()")
