"""assisted certification: special-group flags on beneficiaries, visit requests and visit records

Revision ID: 0006_assisted
Revises: 0005_suspension_reason
Create Date: 2026-11-30 06:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_assisted"
down_revision: str | None = "0005_suspension_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FLAGS = ("severely_disabled", "bedridden", "lives_alone")


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN on both databases: a batch copy of beneficiaries on SQLite would drop a
    # table that entitlements and certifications reference.
    for flag in FLAGS:
        op.add_column(
            "beneficiaries", sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "visit_requests",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("beneficiary_id", BIG_ID, nullable=False),
        sa.Column("open_for", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("requested_by_kind", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("worker_id", BIG_ID, nullable=True),
        sa.Column("certification_id", BIG_ID, nullable=True),
        sa.Column("outcome_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_visit_requests_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certifications.id"],
            name=op.f("fk_visit_requests_certification_id_certifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["staff_users.id"],
            name=op.f("fk_visit_requests_worker_id_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_requests")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_visit_requests_idempotency_key")),
        sa.UniqueConstraint("open_for", name=op.f("uq_visit_requests_open_for")),
    )
    with op.batch_alter_table("visit_requests") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_requests_beneficiary_id"), ["beneficiary_id"], unique=False
        )

    op.create_table(
        "visit_records",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("visit_request_id", BIG_ID, nullable=False),
        sa.Column("beneficiary_id", BIG_ID, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", BIG_ID, nullable=False),
        sa.Column("review_item_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_visit_records_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff_users.id"],
            name=op.f("fk_visit_records_recorded_by_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["review_item_id"],
            ["review_items.id"],
            name=op.f("fk_visit_records_review_item_id_review_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_request_id"],
            ["visit_requests.id"],
            name=op.f("fk_visit_records_visit_request_id_visit_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_records")),
        sa.UniqueConstraint("visit_request_id", name=op.f("uq_visit_records_visit_request_id")),
    )
    with op.batch_alter_table("visit_records") as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_records_beneficiary_id"), ["beneficiary_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit_records") as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_records_beneficiary_id"))
    op.drop_table("visit_records")
    with op.batch_alter_table("visit_requests") as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_requests_beneficiary_id"))
    op.drop_table("visit_requests")
    for flag in reversed(FLAGS):
        op.drop_column("beneficiaries", flag)  # SQLite ≥ 3.35 drops a column in place
