"""audit trail: one chain per county (+ global), keyed hashes, append-only triggers, autoincrement seq

The existing single chain becomes the ``global`` chain: its events keep their hashes (scheme 1, plain
SHA-256) and positions (chain_seq = seq), so they keep verifying; new events are HMAC-keyed (scheme 2).
``seq`` becomes a plain autoincrement storage id (a sequence on PostgreSQL; SQLite's rowid already is one).

Revision ID: 0009_audit_partitions
Revises: 0008_notice_channels
Create Date: 2026-11-30 09:45:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import audit_guard

revision: str = "0009_audit_partitions"
down_revision: str | None = "0008_notice_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("chain", sa.String(length=64), nullable=False, server_default="global"))
        batch.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("scheme", sa.SmallInteger(), nullable=False, server_default="1"))
    op.execute("UPDATE audit_events SET chain_seq = seq")
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("chain_seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("chain", existing_type=sa.String(length=64), server_default=None)
        batch.alter_column("scheme", existing_type=sa.SmallInteger(), server_default=None)
    op.create_index("ux_audit_events_chain_seq", "audit_events", ["chain", "chain_seq"], unique=True)

    with op.batch_alter_table("audit_chain_head") as batch:
        batch.add_column(sa.Column("chain", sa.String(length=64), nullable=False, server_default="global"))
    with op.batch_alter_table("audit_chain_head") as batch:
        batch.alter_column("chain", existing_type=sa.String(length=64), server_default=None)
        batch.create_unique_constraint(op.f("uq_audit_chain_head_chain"), ["chain"])

    if dialect == "postgresql":
        op.execute("CREATE SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq")
        op.execute(
            "SELECT setval('audit_events_seq_seq', "
            "COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false)"
        )
        op.execute("ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq_seq')")
    audit_guard.arm(bind)


def downgrade() -> None:
    bind = op.get_bind()
    audit_guard.disarm(bind)
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE audit_events_seq_seq")
    with op.batch_alter_table("audit_chain_head") as batch:
        batch.drop_constraint(op.f("uq_audit_chain_head_chain"), type_="unique")
        batch.drop_column("chain")
    op.drop_index("ux_audit_events_chain_seq", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("scheme")
        batch.drop_column("chain_seq")
        batch.drop_column("chain")
