"""one operator representation: certifications.operator_id is an account number (BIGINT), as in the
challenge, claim and review tables; a data-comparison certification is operator kind "feed" with the feed
run's number (it was kind "system" with the text "feed:<run>")

Revision ID: 0030_operator_id_integer
Revises: person_language
Create Date: 2026-11-30 10:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_operator_id_integer"
down_revision: str | None = "person_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE certifications SET operator_kind = 'feed', operator_id = substr(operator_id, 6) "
        "WHERE operator_id LIKE 'feed:%'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "certifications",
            "operator_id",
            type_=sa.BigInteger(),
            existing_type=sa.String(length=64),
            postgresql_using="operator_id::bigint",
        )
        return
    with op.batch_alter_table("certifications") as batch:
        batch.alter_column("operator_id", type_=sa.BigInteger(), existing_type=sa.String(length=64))
    # SQLite keeps a value's storage class on a type change: make the digit strings integers.
    op.execute(
        "UPDATE certifications SET operator_id = CAST(operator_id AS INTEGER) WHERE operator_id IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "certifications",
            "operator_id",
            type_=sa.String(length=64),
            existing_type=sa.BigInteger(),
            postgresql_using="operator_id::text",
        )
    else:
        with op.batch_alter_table("certifications") as batch:
            batch.alter_column("operator_id", type_=sa.String(length=64), existing_type=sa.BigInteger())
        op.execute(
            "UPDATE certifications SET operator_id = CAST(operator_id AS TEXT) WHERE operator_id IS NOT NULL"
        )
    op.execute(
        "UPDATE certifications SET operator_kind = 'system', operator_id = 'feed:' || operator_id "
        "WHERE operator_kind = 'feed'"
    )
