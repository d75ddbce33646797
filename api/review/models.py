"""The review queue: borderline face decisions, attestations, overseas documents, manual-review requests."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from api.core.operator import OperatorKind
from shared.enums import CertificationMethod


class ReviewKind(enum.StrEnum):
    FACE = "face"  # a borderline face decision
    ATTESTATION = "attestation"  # neighbour / coordinator attestation with its sign-offs
    OVERSEAS = "overseas"  # a consulate-issued certification form
    EVIDENCE = "evidence"  # evidence uploaded after repeated failed face attempts
    HOME_VISIT = "home_visit"  # a coordinator's visit record: the face check could not be done


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReviewItem(Base):
    __tablename__ = "review_items"
    __table_args__ = (sa.Index("ix_review_items_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)  # what the applicant looks up
    # eight digits the person reads aloud to the office (shared.reference); NULL on items before 0010
    reference: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    kind: Mapped[ReviewKind] = mapped_column(EnumString(ReviewKind))
    status: Mapped[ReviewStatus] = mapped_column(EnumString(ReviewStatus), default=ReviewStatus.PENDING)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[CertificationMethod] = mapped_column(EnumString(CertificationMethod))  # if approved
    operator_kind: Mapped[OperatorKind] = mapped_column(EnumString(OperatorKind, 16))  # who submitted
    operator_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    challenge_id: Mapped[str | None] = mapped_column(sa.ForeignKey("challenges.id", ondelete="SET NULL"))
    attestation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attestations.id", ondelete="CASCADE"))
    reason_code: Mapped[str | None] = mapped_column(sa.String(32))  # why it needs a person (face reason)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    expected_by: Mapped[date | None]  # the decision date promised to the applicant
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    certification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certifications.id", ondelete="SET NULL")
    )
