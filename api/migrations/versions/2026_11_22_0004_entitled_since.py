"""entitlements.entitled_since: the day a benefit began (earlier windows were never required)

Revision ID: 0004_entitled_since
Revises: 0003_backoffice
Create Date: 2026-11-22 22:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_entitled_since"
down_revision: str | None = "0003_backoffice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.add_column(sa.Column("entitled_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.drop_column("entitled_since")
