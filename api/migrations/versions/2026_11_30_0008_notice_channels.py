"""notices that arrive: delivery log, opt-outs per channel, the channel used, people's e-mail

Revision ID: 0008_notice_channels
Revises: 0006_scope_duties
Create Date: 2026-11-30 10:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_notice_channels"
down_revision: str | None = "0006_scope_duties"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
    with op.batch_alter_table("beneficiaries") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "notice_deliveries",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("message_id", BIGID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_notice_deliveries_message_id_outbox_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_deliveries")),
    )
    op.create_index("ix_notice_deliveries_message", "notice_deliveries", ["message_id", "id"])
    op.create_table(
        "notice_opt_outs",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("beneficiary_id", BIGID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_notice_opt_outs_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_opt_outs")),
        sa.UniqueConstraint("beneficiary_id", "channel", name=op.f("uq_notice_opt_outs_beneficiary_id")),
    )


def downgrade() -> None:
    op.drop_table("notice_opt_outs")
    op.drop_index("ix_notice_deliveries_message", table_name="notice_deliveries")
    op.drop_table("notice_deliveries")
    with op.batch_alter_table("beneficiaries") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("channel")
