"""token versions (sign-out, password change and deactivation revoke tokens); one running cycle run per month

Revision ID: 0010_sec_edge
Revises: 0009_audit_partitions
Create Date: 2026-11-30 09:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_sec_edge"
down_revision: str | None = "0009_audit_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("staff_users", "helper_accounts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("token_version", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("cycle_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("uq_cycle_runs_month_state", ["month", "state"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("cycle_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_cycle_runs_month_state")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("state")
    for table in ("helper_accounts", "staff_users"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("token_version")
