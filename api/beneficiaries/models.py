"""Who is on the roll, what they receive, the faces we compare against, and each certification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, BigId, EnumString, utcnow
from api.core.operator import OperatorKind
from shared.enums import (
    BenefitType,
    CertificationMethod,
    CertificationResult,
    PaymentState,
    ReferenceConfirmation,
    ReferenceSource,
    ResidenceKind,
    StopReason,
    SuspensionReason,
)
from shared.months import YearMonth

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class Beneficiary(Base):
    """A person on the roll, identified by an 18-character resident ID number (GB 11643)."""

    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    sex: Mapped[str] = mapped_column(sa.String(6))  # "male" | "female", derived from the ID number
    birth_date: Mapped[date]  # derived from the ID number
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(254))  # reminders by e-mail when there is no phone
    # Where the benefit is paid (digits only); changed only through an approved record change
    # (api/record_changes) and masked in every answer except to the staff member approving a change.
    bank_account: Mapped[str | None] = mapped_column(sa.String(30))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    residence_kind: Mapped[ResidenceKind] = mapped_column(
        EnumString(ResidenceKind), default=ResidenceKind.DOMESTIC
    )
    country: Mapped[str | None] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2 when overseas
    time_zone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIME_ZONE)  # IANA name
    # the language of the notices sent to the person (reminders, heir and visit notices): a shared.i18n one
    language: Mapped[str] = mapped_column(sa.String(8), default="zh-Hans", server_default="zh-Hans")
    deceased_on: Mapped[date | None]
    # Special groups (roster columns): with the aged (policy home_visit_age) they are visited at home by
    # default and on the coordinators' work list from the first day of their window.
    severely_disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    bedridden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    lives_alone: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entitlements: Mapped[list[Entitlement]] = relationship(
        back_populates="beneficiary", order_by="Entitlement.id"
    )
    reference_faces: Mapped[list[ReferenceFace]] = relationship(
        back_populates="beneficiary", order_by="ReferenceFace.id"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="beneficiary", order_by="Certification.certified_at"
    )


class Entitlement(Base):
    """One benefit a person receives; payment state moves only through a transition function."""

    __tablename__ = "entitlements"
    __table_args__ = (
        sa.UniqueConstraint("beneficiary_id", "benefit_type", name="uq_entitlements_person_type"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    benefit_type: Mapped[BenefitType] = mapped_column(EnumString(BenefitType))
    monthly_cents: Mapped[int] = mapped_column(sa.BigInteger)
    payment_state: Mapped[PaymentState] = mapped_column(EnumString(PaymentState), default=PaymentState.ACTIVE)
    suspended_since: Mapped[YearMonth | None]
    # Why it is suspended (written only by api.payments.transitions); NULL = unknown (older rows, roster).
    suspension_reason: Mapped[SuspensionReason | None] = mapped_column(EnumString(SuspensionReason))
    stopped_reason: Mapped[StopReason | None] = mapped_column(EnumString(StopReason))
    stopped_from: Mapped[YearMonth | None]
    # The day the benefit began (roster column entitled_since). Certification windows before it were never
    # required; NULL means "when the row was created" (shared.cycle rule 6: enrolment covers its window).
    entitled_since: Mapped[date | None]
    # The last month the benefit is due (unemployment benefit is paid for a limited benefit period,
    # 004_435b6c8e4ae08301.txt); the monthly run stops it from the month after (benefit_period_ended).
    # NULL: no end (pensions).
    ends_after: Mapped[YearMonth | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="entitlements")


class ReferenceFace(Base):
    """A face the live capture is compared against: the photo and (once computed) its template."""

    __tablename__ = "reference_faces"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    source: Mapped[ReferenceSource] = mapped_column(EnumString(ReferenceSource))
    # Embedding as a JSON list of floats; NULL until the face engine has enrolled the photo.
    template: Mapped[list[float] | None] = mapped_column(sa.JSON(none_as_null=True))
    model_name: Mapped[str | None] = mapped_column(sa.String(64))
    detector: Mapped[str | None] = mapped_column(sa.String(64))
    # The photo itself (small JPEG/PNG) or a path relative to settings.data_dir for large ones.
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    photo_path: Mapped[str | None] = mapped_column(sa.String(255))
    photo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added by staff (on-site enrolment): who added it and who checked the ID document — the signed-in
    # staff member, decided by the server. Such a reference is used only once confirmed
    # (``awaiting_confirmation`` until then) by a second staff member or by a live face check of the person
    # run by the same staff member soon after (api/certification/reference_rule.py).
    added_by_staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    id_checked_by_staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    replaces_others: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    confirmation: Mapped[ReferenceConfirmation | None] = mapped_column(
        EnumString(ReferenceConfirmation, length=16)
    )
    confirmed_by_staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None]
    live_check_challenge_id: Mapped[str | None] = mapped_column(sa.String(32))

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="reference_faces")


class Certification(Base):
    """One certification attempt's outcome for a window (passed ones keep payment going)."""

    __tablename__ = "certifications"
    __table_args__ = (sa.Index("ix_certifications_person_time", "beneficiary_id", "certified_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"))
    entitlement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entitlements.id"), index=True)
    window_start: Mapped[date]
    window_end: Mapped[date]
    method: Mapped[CertificationMethod] = mapped_column(EnumString(CertificationMethod))
    operator_kind: Mapped[OperatorKind] = mapped_column(EnumString(OperatorKind))
    operator_id: Mapped[int | None] = mapped_column(sa.BigInteger)  # account, institution or feed run
    result: Mapped[CertificationResult] = mapped_column(EnumString(CertificationResult))
    evidence: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # references, never raw data
    certified_at: Mapped[datetime]  # UTC instant
    local_date: Mapped[date]  # the date in the person's time zone at certified_at
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="certifications")
    entitlement: Mapped[Entitlement | None] = relationship()
