"""initial schema: regions, beneficiaries, entitlements, reference faces, certifications, audit chain

Revision ID: 0001
Revises:
Create Date: 2026-11-22 21:52:31.713421+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
    )
    # The single chain-head row that serialises audit appends (see api/audit.py).
    op.bulk_insert(
        sa.table("audit_chain_head", sa.column("id"), sa.column("last_seq"), sa.column("last_hash")),
        [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}],
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"], unique=False)
    op.create_index(op.f("ix_audit_events_created_at"), "audit_events", ["created_at"], unique=False)
    op.create_index("ix_audit_events_entity", "audit_events", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["regions.code"], name=op.f("fk_regions_parent_code_regions")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_index(op.f("ix_regions_parent_code"), "regions", ["parent_code"], unique=False)

    op.create_table(
        "beneficiaries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sex", sa.String(length=6), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("residence_kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("deceased_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_beneficiaries_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiaries")),
        sa.UniqueConstraint("id_number", name=op.f("uq_beneficiaries_id_number")),
    )
    op.create_index(op.f("ix_beneficiaries_region_code"), "beneficiaries", ["region_code"], unique=False)

    op.create_table(
        "entitlements",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("beneficiary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("benefit_type", sa.String(length=32), nullable=False),
        sa.Column("monthly_cents", sa.BigInteger(), nullable=False),
        sa.Column("payment_state", sa.String(length=32), nullable=False),
        sa.Column("suspended_since", sa.String(length=7), nullable=True),
        sa.Column("stopped_reason", sa.String(length=32), nullable=True),
        sa.Column("stopped_from", sa.String(length=7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_entitlements_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlements")),
        sa.UniqueConstraint("beneficiary_id", "benefit_type", name="uq_entitlements_person_type"),
    )
    op.create_index(op.f("ix_entitlements_beneficiary_id"), "entitlements", ["beneficiary_id"], unique=False)

    op.create_table(
        "reference_faces",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("beneficiary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("template", sa.JSON(), nullable=True),
        sa.Column("model_name", sa.String(length=64), nullable=True),
        sa.Column("detector", sa.String(length=64), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_path", sa.String(length=255), nullable=True),
        sa.Column("photo_sha256", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_reference_faces_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_faces")),
    )
    op.create_index(
        op.f("ix_reference_faces_beneficiary_id"), "reference_faces", ["beneficiary_id"], unique=False
    )

    op.create_table(
        "certifications",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("beneficiary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entitlement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("operator_kind", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_certifications_beneficiary_id_beneficiaries"),
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlements.id"],
            name=op.f("fk_certifications_entitlement_id_entitlements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    op.create_index(
        op.f("ix_certifications_entitlement_id"), "certifications", ["entitlement_id"], unique=False
    )
    op.create_index(
        "ix_certifications_person_time", "certifications", ["beneficiary_id", "certified_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_certifications_person_time", table_name="certifications")
    op.drop_index(op.f("ix_certifications_entitlement_id"), table_name="certifications")

    op.drop_table("certifications")
    op.drop_index(op.f("ix_reference_faces_beneficiary_id"), table_name="reference_faces")

    op.drop_table("reference_faces")
    op.drop_index(op.f("ix_entitlements_beneficiary_id"), table_name="entitlements")

    op.drop_table("entitlements")
    op.drop_index(op.f("ix_beneficiaries_region_code"), table_name="beneficiaries")

    op.drop_table("beneficiaries")
    op.drop_index(op.f("ix_regions_parent_code"), table_name="regions")

    op.drop_table("regions")
    op.drop_index("ix_audit_events_entity", table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_created_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_action"), table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_table("audit_chain_head")
