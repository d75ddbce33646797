"""audit events: no unique index on ``hash``

Nothing looks an event up by its hash: ``lifecert audit verify`` walks each chain by ``(chain, chain_seq)``
(unique, so a chain cannot fork) and the anchors name a chain's head by its position. The MAC covers the
chain and the position, so two events cannot share one anyway. The index on random 64-character keys was
the costliest of the table's six to maintain: a third of the time of a million-event COPY (a sign-of-life
feed writes one event per certification).

On SQLite dropping a constraint rebuilds the table, which drops its append-only triggers: they are taken
off first and put back after (api/audit_guard.py).

Revision ID: audit_hash_not_indexed
Revises: frame_digests
Create Date: 2026-12-01 07:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from api import audit_guard

revision: str = "audit_hash_not_indexed"
down_revision: str | None = "frame_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    audit_guard.disarm(bind)
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_hash"), type_="unique")
    audit_guard.arm(bind)


def downgrade() -> None:
    bind = op.get_bind()
    audit_guard.disarm(bind)
    with op.batch_alter_table("audit_events") as batch:
        batch.create_unique_constraint(op.f("uq_audit_events_hash"), ["hash"])
    audit_guard.arm(bind)
