"""What the certification flows record besides the foundation's Certification: attestations and their
sign-offs, payment resumptions, contact confirmations."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow


class AttestationStatus(enum.StrEnum):
    COLLECTING = "collecting"  # evidence and sign-offs being gathered
    IN_REVIEW = "in_review"  # every sign-off the policy names is in: waiting for an agency reviewer
    APPROVED = "approved"
    REJECTED = "rejected"


class Attestation(Base):
    __tablename__ = "attestations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(500))  # why a face scan is impossible
    required_signoffs: Mapped[list[str]] = mapped_column(sa.JSON)  # the roles the region's policy names
    status: Mapped[AttestationStatus] = mapped_column(
        EnumString(AttestationStatus), default=AttestationStatus.COLLECTING
    )
    opened_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttestationSignoff(Base):
    __tablename__ = "attestation_signoffs"
    __table_args__ = (sa.UniqueConstraint("attestation_id", "role", name="uq_attestation_signoffs_role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    attestation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attestations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(64))  # e.g. village_group_leader
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    signed_on: Mapped[date]
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentResumption(Base):
    """A suspended entitlement resumed by a late certification: from which month, how much back pay."""

    __tablename__ = "payment_resumptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entitlement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entitlements.id", ondelete="CASCADE"), index=True
    )
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    suspended_since: Mapped[str] = mapped_column(sa.String(7))  # "YYYY-MM"
    resume_month: Mapped[str] = mapped_column(sa.String(7))  # "YYYY-MM"
    back_pay_months: Mapped[int]
    back_pay_cents: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactConfirmation(Base):
    """The person confirmed or updated their phone and address at the end of a certification."""

    __tablename__ = "contact_confirmations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    changed: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
