"""record changes: proposals to change a person's record, approved by a second staff member; the bank account

* ``beneficiaries.bank_account``: where the benefit is paid (digits; NULL until recorded).
* ``record_changes``: one proposal (field, value before and after, reason, evidence, the record's snapshot
  approval re-checks) and its decision; ``pending_key`` keeps one pending proposal per person and field.

Revision ID: record_changes
Revises: sec_identity_checks
Create Date: 2026-11-30 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "record_changes"
down_revision: str | None = "feed_sources_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.add_column(sa.Column("bank_account", sa.String(length=30), nullable=True))
    op.create_table(
        "record_changes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("beneficiary_id", BIG_ID, nullable=False),
        sa.Column("entitlement_id", BIG_ID, nullable=True),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("pending_key", sa.String(length=64), nullable=True),
        sa.Column("before_value", sa.String(length=100), nullable=True),
        sa.Column("after_value", sa.String(length=100), nullable=False),
        sa.Column("from_month", sa.String(length=7), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("proposed_by", BIG_ID, nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", BIG_ID, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_record_changes_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlements.id"],
            name=op.f("fk_record_changes_entitlement_id_entitlements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["staff_users.id"], name=op.f("fk_record_changes_proposed_by_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff_users.id"], name=op.f("fk_record_changes_decided_by_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_changes")),
        sa.UniqueConstraint("beneficiary_id", "pending_key", name="uq_record_changes_pending"),
    )
    with op.batch_alter_table("record_changes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_changes_beneficiary_id"), ["beneficiary_id"], unique=False
        )
        batch_op.create_index("ix_record_changes_status", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record_changes") as batch_op:
        batch_op.drop_index("ix_record_changes_status")
        batch_op.drop_index(batch_op.f("ix_record_changes_beneficiary_id"))
    op.drop_table("record_changes")
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.drop_column("bank_account")
