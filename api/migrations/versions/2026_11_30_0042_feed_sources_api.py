"""feed API for data sources: registered sources with one hashed API key, and idempotent batches

* ``feed_sources``: a data source (public security, civil affairs, health, funeral home …), the feed kinds
  it may send, the region subtree it reports for, whether it is active, and the SHA-256 of its API key.
* ``feed_batches``: each batch a source sent, unique per source and the source's ``batch_id``, with the
  content's SHA-256 (a resend with other content is refused) and the row-level report.

Revision ID: feed_sources_api
Revises: sec_identity_checks
Create Date: 2026-11-30 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "feed_sources_api"
down_revision: str | None = "0041_tipoff_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "feed_sources",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=True),
        sa.Column("key_hint", sa.String(length=16), nullable=False),
        sa.Column("key_set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_feed_sources_region_code_regions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_sources")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_feed_sources_key_sha256")),
        sa.UniqueConstraint("name", name=op.f("uq_feed_sources_name")),
    )
    op.create_table(
        "feed_batches",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("source_id", BIG_ID, nullable=False),
        sa.Column("batch_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("feed_run_id", BIG_ID, nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_run_id"],
            ["feed_runs.id"],
            name=op.f("fk_feed_batches_feed_run_id_feed_runs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["feed_sources.id"],
            name=op.f("fk_feed_batches_source_id_feed_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_batches")),
        sa.UniqueConstraint("source_id", "batch_id", name="uq_feed_batches_source_batch"),
    )


def downgrade() -> None:
    op.drop_table("feed_batches")
    op.drop_table("feed_sources")
