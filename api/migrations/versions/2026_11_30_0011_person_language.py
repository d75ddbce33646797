"""beneficiaries.language: the language of the notices the service sends the person (zh-Hans, zh-Hant, en)

Every existing person gets ``zh-Hans`` (the service's default language).

Revision ID: person_language
Revises: 0010_sec_edge
Create Date: 2026-11-30 10:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "person_language"
down_revision: str | None = "0010_sec_edge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="zh-Hans")
        )


def downgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.drop_column("language")
