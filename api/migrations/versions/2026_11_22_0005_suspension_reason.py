"""entitlements.suspension_reason: why payment is suspended (a detention is not lifted by a certification)

Existing suspended entitlements whose latest suspension event in the audit trail was a detention get
``detention``; the others stay NULL (unknown: treated like a missed certification, as before).

Revision ID: 0005_suspension_reason
Revises: 0004_entitled_since
Create Date: 2026-11-22 23:05:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_suspension_reason"
down_revision: str | None = "0004_entitled_since"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.add_column(sa.Column("suspension_reason", sa.String(length=32), nullable=True))
    op.execute(
        """
        UPDATE entitlements SET suspension_reason = 'detention'
        WHERE payment_state = 'suspended' AND (
            SELECT a.reason FROM audit_events a
            WHERE a.entity_type = 'entitlement' AND a.entity_id = CAST(entitlements.id AS VARCHAR(64))
              AND a.action = 'entitlement.suspend'
            ORDER BY a.seq DESC LIMIT 1
        ) LIKE 'detention%'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.drop_column("suspension_reason")
