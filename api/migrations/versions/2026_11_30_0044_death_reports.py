"""death reports: one monthly death report per reporting unit (village, institution) and month, and the
townships' and counties' consolidations of them (issue 13: "monthly death reports by the 3rd/5th").

Revision ID: death_reports
Revises: record_changes
Create Date: 2026-11-30 17:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "death_reports"
down_revision: str | None = "record_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "death_reports",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("unit_key", sa.String(length=40), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("parent_key", sa.String(length=40), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("institution_id", BIG_ID, nullable=True),
        sa.Column("none_this_month", sa.Boolean(), nullable=False),
        sa.Column("deaths", sa.JSON(), nullable=False),
        sa.Column("included", sa.JSON(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("feed_run_id", BIG_ID, nullable=True),
        sa.Column("submitted_by", BIG_ID, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_death_reports_region_code_regions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_death_reports_institution_id_institutions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["feed_run_id"],
            ["feed_runs.id"],
            name=op.f("fk_death_reports_feed_run_id_feed_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["staff_users.id"],
            name=op.f("fk_death_reports_submitted_by_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_death_reports")),
        sa.UniqueConstraint("unit_key", "month", name="uq_death_reports_unit_month"),
    )
    with op.batch_alter_table("death_reports") as batch_op:
        batch_op.create_index("ix_death_reports_parent", ["parent_key", "month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("death_reports") as batch_op:
        batch_op.drop_index("ix_death_reports_parent")
    op.drop_table("death_reports")
