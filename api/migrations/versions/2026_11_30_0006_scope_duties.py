"""scope and duties: who uploaded each evidence file, which reviewer opened which file, sign-offs by
region level with the signer's own account, the neighbour's typed name, and the region a cycle run covered

* ``evidence_files.uploaded_by``: the staff member who uploaded the file. Filled for existing rows where
  the trail says who: attestation files whose ``attestation.evidence`` events name one staff actor, and
  frames kept for the review of a face challenge a staff member ran.
* ``evidence_views``: a reviewer opened a file (first time), so nothing is approved unseen.
* ``attestation_signoffs.role`` becomes ``level`` (village, township, county …): each level signs with
  its own account (``recorded_by``). Sign-offs typed before this revision keep their role names.
* ``attestations.witness_name``: the neighbour who vouches, typed by the coordinator.
* ``cycle_runs.region_code``: the subtree a regional administrator's run covered (NULL: the country).

Revision ID: 0006_scope_duties
Revises: 0007_idempotent_requests (written against 0005_suspension_reason; chained after main's
head when rebased)
Create Date: 2026-11-30 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_scope_duties"
down_revision: str | None = "0007_idempotent_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("evidence_files") as batch_op:
        batch_op.add_column(sa.Column("uploaded_by", BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_evidence_files_uploaded_by_staff_users"),
            "staff_users",
            ["uploaded_by"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        """
        UPDATE evidence_files SET uploaded_by = (
            SELECT CAST(SUBSTR(MIN(a.actor), 7) AS INTEGER) FROM audit_events a
            WHERE a.entity_type = 'attestation'
              AND a.entity_id = CAST(evidence_files.attestation_id AS VARCHAR(64))
              AND a.action = 'attestation.evidence' AND a.actor LIKE 'staff:%'
            HAVING COUNT(DISTINCT a.actor) = 1
        )
        WHERE attestation_id IS NOT NULL
        """
    )
    op.execute(
        """
        UPDATE evidence_files SET uploaded_by = (
            SELECT r.operator_id FROM review_items r
            WHERE r.id = evidence_files.review_item_id AND r.operator_kind = 'staff'
              AND EXISTS (SELECT 1 FROM staff_users s WHERE s.id = r.operator_id)
        )
        WHERE review_item_id IS NOT NULL AND kind = 'frame'
        """
    )

    op.create_table(
        "evidence_views",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("evidence_id", BIG_ID, nullable=False),
        sa.Column("staff_id", BIG_ID, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_files.id"],
            name=op.f("fk_evidence_views_evidence_id_evidence_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_evidence_views_staff_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_views")),
        sa.UniqueConstraint("evidence_id", "staff_id", name="uq_evidence_views_evidence_id"),
    )
    with op.batch_alter_table("evidence_views") as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_views_staff_id"), ["staff_id"], unique=False)

    with op.batch_alter_table("attestation_signoffs") as batch_op:
        batch_op.drop_constraint("uq_attestation_signoffs_role", type_="unique")
        batch_op.alter_column(
            "role", new_column_name="level", existing_type=sa.String(length=64), existing_nullable=False
        )
    with op.batch_alter_table("attestation_signoffs") as batch_op:  # SQLite: after the rename
        batch_op.create_unique_constraint("uq_attestation_signoffs_level", ["attestation_id", "level"])

    with op.batch_alter_table("attestations") as batch_op:
        batch_op.add_column(sa.Column("witness_name", sa.String(length=100), nullable=True))

    with op.batch_alter_table("cycle_runs") as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=12), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_cycle_runs_region_code_regions"),
            "regions",
            ["region_code"],
            ["code"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("cycle_runs") as batch_op:
        batch_op.drop_constraint(op.f("fk_cycle_runs_region_code_regions"), type_="foreignkey")
        batch_op.drop_column("region_code")
    # Not a batch: on SQLite a batch copies the table, and dropping the old copy would cascade to the
    # sign-offs and evidence files that reference attestations (SQLite has had DROP COLUMN since 3.35).
    op.execute("ALTER TABLE attestations DROP COLUMN witness_name")
    with op.batch_alter_table("attestation_signoffs") as batch_op:
        batch_op.drop_constraint("uq_attestation_signoffs_level", type_="unique")
        batch_op.alter_column(
            "level", new_column_name="role", existing_type=sa.String(length=64), existing_nullable=False
        )
    with op.batch_alter_table("attestation_signoffs") as batch_op:
        batch_op.create_unique_constraint("uq_attestation_signoffs_role", ["attestation_id", "role"])
    with op.batch_alter_table("evidence_views") as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_views_staff_id"))
    op.drop_table("evidence_views")
    with op.batch_alter_table("evidence_files") as batch_op:
        batch_op.drop_constraint(op.f("fk_evidence_files_uploaded_by_staff_users"), type_="foreignkey")
        batch_op.drop_column("uploaded_by")
