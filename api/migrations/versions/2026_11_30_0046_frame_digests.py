"""frame digests: one row per frame sent to a challenge, so a recording sent again to a later challenge is
refused as a replay (api/challenges/replay.py); purged after ``replay_digest_days``

Revision ID: frame_digests
Revises: unemployment_ends_after
Create Date: 2026-11-30 22:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "frame_digests"
down_revision: str | None = "unemployment_ends_after"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frame_digests",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("digest", sa.BigInteger(), nullable=False),
        sa.Column("challenge_id", sa.String(length=32), nullable=False),
        sa.Column("beneficiary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_frame_digests_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_frame_digests_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frame_digests")),
    )
    with op.batch_alter_table("frame_digests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_frame_digests_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_frame_digests_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("frame_digests")
