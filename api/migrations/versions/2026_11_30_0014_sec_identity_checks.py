"""identity checks: single-use contact codes, and who added, ID-checked and confirmed each reference face

* ``contact_codes``: a short-lived, single-use code handed out with a passed certification; a contact
  update needs one (the receipt token is no longer a password). Only the code's SHA-256 is kept.
* ``reference_faces``: the staff member who added a reference and who checked the ID document (the
  signed-in staff member, decided by the server), and how it was confirmed (``live_check`` with the
  challenge, or ``second_staff`` with the confirming staff member); ``awaiting_confirmation`` references are
  not used for decisions. Existing on-site enrolments get their adder and ID checker from the audit trail.

Revision ID: sec_identity_checks
Revises: 0010_review_reference
Create Date: 2026-11-30 09:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec_identity_checks"
down_revision: str | None = "0010_review_reference"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAFF_COLUMNS = ("added_by_staff_id", "id_checked_by_staff_id", "confirmed_by_staff_id")


def upgrade() -> None:
    op.create_table(
        "contact_codes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("beneficiary_id", BIG_ID, nullable=False),
        sa.Column("certification_id", BIG_ID, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_contact_codes_beneficiary_id_beneficiaries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certifications.id"],
            name=op.f("fk_contact_codes_certification_id_certifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_codes")),
        sa.UniqueConstraint("code_sha256", name=op.f("uq_contact_codes_code_sha256")),
    )
    with op.batch_alter_table("reference_faces") as batch_op:
        for column in STAFF_COLUMNS[:2]:
            batch_op.add_column(sa.Column(column, BIG_ID, nullable=True))
        for flag in ("awaiting_confirmation", "replaces_others"):
            batch_op.add_column(sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("confirmation", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column(STAFF_COLUMNS[2], BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("live_check_challenge_id", sa.String(length=32), nullable=True))
        for column in STAFF_COLUMNS:
            batch_op.create_foreign_key(
                op.f(f"fk_reference_faces_{column}_staff_users"),
                "staff_users",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
    op.execute(
        """
        UPDATE reference_faces SET added_by_staff_id = (
            SELECT CAST(SUBSTR(MIN(a.actor), 7) AS INTEGER) FROM audit_events a
            WHERE a.entity_type = 'reference_face'
              AND a.entity_id = CAST(reference_faces.id AS VARCHAR(64))
              AND a.action = 'reference.enrol' AND a.actor LIKE 'staff:%'
              AND EXISTS (SELECT 1 FROM staff_users s WHERE CAST(s.id AS VARCHAR(64)) = SUBSTR(a.actor, 7))
            HAVING COUNT(DISTINCT a.actor) = 1
        )
        WHERE source = 'onsite_enrolment'
        """
    )
    op.execute("UPDATE reference_faces SET id_checked_by_staff_id = added_by_staff_id")


def downgrade() -> None:
    with op.batch_alter_table("reference_faces") as batch_op:
        for column in STAFF_COLUMNS:
            batch_op.drop_constraint(op.f(f"fk_reference_faces_{column}_staff_users"), type_="foreignkey")
        for column in (
            "live_check_challenge_id",
            "confirmed_at",
            "confirmed_by_staff_id",
            "confirmation",
            "replaces_others",
            "awaiting_confirmation",
            "id_checked_by_staff_id",
            "added_by_staff_id",
        ):
            batch_op.drop_column(column)
    op.drop_table("contact_codes")
