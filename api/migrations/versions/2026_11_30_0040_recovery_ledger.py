"""recovery cases: steps (open → notified → agreed/refused → credit listed → court) and a ledger of
repayments; the credit-list flag now means "listed after a refusal", so no case opened so far keeps it

Revision ID: 0040_recovery_ledger
Revises: sec_identity_checks
Create Date: 2026-11-30 13:31:33.891439+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040_recovery_ledger"
down_revision: str | None = "sec_identity_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recovery_repayments",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_recovery_repayments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_repayments_case_id_recovery_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_recovery_repayments_staff_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_repayments")),
    )
    with op.batch_alter_table("recovery_repayments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_repayments_case_id"), ["case_id"], unique=False)

    op.create_table(
        "recovery_steps",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["recovery_cases.id"],
            name=op.f("fk_recovery_steps_case_id_recovery_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_recovery_steps_staff_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_steps")),
    )
    with op.batch_alter_table("recovery_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_steps_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_recovery_cases_status"), ["status"], unique=False)
    # Before this revision the flag was set when a case opened (≥ 3,000 yuan); no case could be refused
    # yet, so none was listed (policy 000_c56d17e22ccc8830.txt: listed only after a refusal).
    cases = sa.table("recovery_cases", sa.column("credit_list_referral", sa.Boolean()))
    op.execute(cases.update().values(credit_list_referral=False))


def downgrade() -> None:
    with op.batch_alter_table("recovery_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_cases_status"))
        batch_op.drop_column("agreement")

    with op.batch_alter_table("recovery_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_steps_case_id"))

    op.drop_table("recovery_steps")
    with op.batch_alter_table("recovery_repayments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_repayments_case_id"))

    op.drop_table("recovery_repayments")
