"""review items: a short reference number people can read aloud (eight digits, unique)

Revision ID: 0010_review_reference
Revises: 0030_operator_id_integer
Create Date: 2026-11-30 09:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_review_reference"
down_revision: str | None = "0030_operator_id_integer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL on items opened before this revision: the apps show their long id instead.
    with op.batch_alter_table("review_items") as batch:
        batch.add_column(sa.Column("reference", sa.String(length=8), nullable=True))
        batch.create_unique_constraint(op.f("uq_review_items_reference"), ["reference"])


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_constraint(op.f("uq_review_items_reference"), type_="unique")
        batch.drop_column("reference")
