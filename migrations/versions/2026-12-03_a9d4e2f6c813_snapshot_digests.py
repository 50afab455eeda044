"""Snapshot digests: an unchanged page shared again gets the snapshot taken before.

Existing snapshots get their digest (sha256 of kind, target, model and payload, as
app.snapshots.service.digest computes it); of a page shared more than once before, the oldest
snapshot takes it and the later copies keep none (their links stay as they are).

Revision ID: a9d4e2f6c813
Revises: a8d4e2f6c1b9
Create Date: 2026-12-03 09:00:00.000000
"""
import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a9d4e2f6c813'
down_revision: str | None = 'a8d4e2f6c1b9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('snapshots', sa.Column('digest', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    taken: set[str] = set()
    rows = conn.execute(sa.text("SELECT id, kind, target_id, model, payload FROM snapshots ORDER BY created_at, id"))
    for snapshot_id, kind, target_id, model, payload in rows.all():
        frozen = {"kind": kind, "target_id": target_id, "model": model, "payload": payload}
        key = hashlib.sha256(json.dumps(frozen, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        if key not in taken:
            taken.add(key)
            conn.execute(sa.text("UPDATE snapshots SET digest = :d WHERE id = :i"), {"d": key, "i": snapshot_id})
    op.create_unique_constraint(op.f('uq_snapshots_digest'), 'snapshots', ['digest'])


def downgrade() -> None:
    op.drop_constraint(op.f('uq_snapshots_digest'), 'snapshots', type_='unique')
    op.drop_column('snapshots', 'digest')
