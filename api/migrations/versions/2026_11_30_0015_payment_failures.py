"""payment failures: the failed lines of the paying bank's return files, open until a clerk resolves them

Revision ID: 0015_payment_failures
Revises: sec_identity_checks
Create Date: 2026-11-30 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_payment_failures"
down_revision: str | None = "0040_recovery_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_failures",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("ref", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("entitlement_id", BIG_ID, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason_code", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlements.id"],
            name=op.f("fk_payment_failures_entitlement_id_entitlements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_failures")),
        sa.UniqueConstraint("ref", name=op.f("uq_payment_failures_ref")),
    )
    op.create_index(op.f("ix_payment_failures_month"), "payment_failures", ["month"])
    op.create_index(op.f("ix_payment_failures_entitlement_id"), "payment_failures", ["entitlement_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_payment_failures_entitlement_id"), table_name="payment_failures")
    op.drop_index(op.f("ix_payment_failures_month"), table_name="payment_failures")
    op.drop_table("payment_failures")
