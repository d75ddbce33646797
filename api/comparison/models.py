"""Data-comparison feeds: each import run, the review list of rows that did not match cleanly, and the
recovery cases opened for payments made after a death."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.months import YearMonth


class FeedKind(enum.StrEnum):
    DEATH = "death"  # death and cremation records
    SIGN_OF_LIFE = "sign_of_life"  # hospital settlement, medical-insurance use, office visit …
    DETENTION = "detention"  # detention or imprisonment
    SURVIVOR_END = "survivor_end"  # child turned 18, employed, enlisted, adopted; spouse remarried
    # Stop unemployment benefit only (MoHRSS 2019 notice, 004_435b6c8e4ae08301.txt, part 4: 信息比对):
    REEMPLOYMENT = "reemployment"  # 再就业 / 就业登记: an employer pays unemployment insurance for the person
    BUSINESS_REGISTRATION = "business_registration"  # 工商登记: the person registered a business
    EMIGRATION = "emigration"  # 移居境外 / 出国定居: settled abroad
    PENSION_START = "pension_start"  # 开始领取基本养老保险待遇: began drawing a basic pension


class MismatchStatus(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"  # a reviewer confirmed it is the same person: the row was applied
    DISMISSED = "dismissed"  # not the same person (or not actionable)


class FeedRun(Base):
    __tablename__ = "feed_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[FeedKind] = mapped_column(EnumString(FeedKind))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    actor: Mapped[str] = mapped_column(sa.String(128))
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_applied: Mapped[int] = mapped_column(default=0)
    rows_unchanged: Mapped[int] = mapped_column(default=0)  # already applied (re-import) or nothing to do
    rows_mismatched: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class FeedMismatch(Base):
    """A feed row whose ID number is on the roll but whose name differs: never applied silently."""

    __tablename__ = "feed_mismatches"
    __table_args__ = (sa.Index("ix_feed_mismatches_status", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feed_run_id: Mapped[int] = mapped_column(sa.ForeignKey("feed_runs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FeedKind] = mapped_column(EnumString(FeedKind))
    row_number: Mapped[int]
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    feed_name: Mapped[str] = mapped_column(sa.String(100))
    row: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # the parsed feed row, to apply on confirmation
    status: Mapped[MismatchStatus] = mapped_column(EnumString(MismatchStatus), default=MismatchStatus.PENDING)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCase(Base):
    """Money paid for months after a death, to be recovered from the estate — or, for unemployment benefit,
    paid for months after the event that ended it (``death_date`` then holds that event's date)."""

    __tablename__ = "recovery_cases"
    __table_args__ = (sa.UniqueConstraint("entitlement_id", name="uq_recovery_cases_entitlement"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    entitlement_id: Mapped[int] = mapped_column(sa.ForeignKey("entitlements.id", ondelete="CASCADE"))
    death_date: Mapped[date]
    first_month: Mapped[YearMonth]  # first overpaid month
    last_month: Mapped[YearMonth]  # last overpaid month
    months: Mapped[int]
    monthly_cents: Mapped[int] = mapped_column(sa.BigInteger)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # True once the case was put on the credit list (refused, ≥ 3,000 yuan): api/recovery/service.py
    credit_list_referral: Mapped[bool]
    # shared.recovery.RecoveryState; moved only by api/recovery/service.py (steps in shared/recovery.py)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    agreement: Mapped[str | None] = mapped_column(sa.String(16))  # shared.recovery.Agreement, once agreed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedSource(Base):
    """A data source that sends feeds over the API (public security, civil affairs, health, funeral homes):
    the kinds it may send, the region subtree it reports for (None: the whole country), and one API key —
    kept only as the SHA-256 of a 256-bit random key (a key that strong needs no slow hash)."""

    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kinds: Mapped[list[str]] = mapped_column(sa.JSON)  # FeedKind values it may send
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(default=True)
    key_sha256: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # None once revoked
    key_hint: Mapped[str] = mapped_column(sa.String(16), default="")  # the key's first characters
    key_set_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedBatch(Base):
    """One batch a source sent: the source's own ``batch_id`` makes a resend harmless (same content: the
    stored report is answered and nothing changes; other content under the same id: refused)."""

    __tablename__ = "feed_batches"
    __table_args__ = (sa.UniqueConstraint("source_id", "batch_id", name="uq_feed_batches_source_batch"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("feed_sources.id", ondelete="RESTRICT"))
    batch_id: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[FeedKind] = mapped_column(EnumString(FeedKind))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    feed_run_id: Mapped[int] = mapped_column(sa.ForeignKey("feed_runs.id", ondelete="RESTRICT"))
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
