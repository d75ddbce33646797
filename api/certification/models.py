"""What the certification flows record besides the foundation's Certification: attestations and their
sign-offs, payment resumptions, contact confirmations."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.enums import RegionLevel
from shared.months import YearMonth


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
    # The neighbour who vouches for the person, typed by the coordinator (a neighbour has no account).
    witness_name: Mapped[str | None] = mapped_column(sa.String(100))
    # The region levels that sign, lowest first (the policy's chain for the person's region and benefits).
    required_signoffs: Mapped[list[str]] = mapped_column(sa.JSON)
    status: Mapped[AttestationStatus] = mapped_column(
        EnumString(AttestationStatus), default=AttestationStatus.COLLECTING
    )
    opened_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttestationSignoff(Base):
    """One level of the chain, signed by a staff account of that level (``recorded_by``) in person."""

    __tablename__ = "attestation_signoffs"
    __table_args__ = (sa.UniqueConstraint("attestation_id", "level", name="uq_attestation_signoffs_level"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    attestation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attestations.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[RegionLevel] = mapped_column(EnumString(RegionLevel, 64))
    signer_name: Mapped[str] = mapped_column(sa.String(100))  # the account's name when it signed
    signed_on: Mapped[date]
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))  # signer
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentResumption(Base):
    """A suspended entitlement resumed by a late certification: from which month, how much back pay."""

    __tablename__ = "payment_resumptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entitlement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entitlements.id", ondelete="CASCADE"), index=True
    )
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    suspended_since: Mapped[YearMonth]
    resume_month: Mapped[YearMonth]
    back_pay_months: Mapped[int]
    back_pay_cents: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactCode(Base):
    """A short-lived, single-use code for one contact update, handed out with a passed certification
    (only its SHA-256 is kept)."""

    __tablename__ = "contact_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
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
