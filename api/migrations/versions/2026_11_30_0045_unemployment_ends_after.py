"""unemployment benefit: ``entitlements.ends_after``, the last month of a limited benefit period

Unemployment benefit (MoHRSS 2019 notice, shared/policies/004_435b6c8e4ae08301.txt) is paid for a limited
number of months; the monthly run stops it from the month after ``ends_after``. NULL: no end (pensions).
The benefit type ``unemployment`` itself needs no schema change (benefit types are stored as VARCHAR).

Revision ID: unemployment_ends_after
Revises: death_reports
Create Date: 2026-11-30 17:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "unemployment_ends_after"
down_revision: str | None = "death_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.add_column(sa.Column("ends_after", sa.String(length=7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.drop_column("ends_after")
