"""Spot checks: a reproducible random sample of certifications to re-verify each half year."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow


class SpotOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # the person was found alive and entitled
    NOT_CONFIRMED = "not_confirmed"  # not found / not alive: referred for investigation
    UNREACHABLE = "unreachable"


class SpotCheck(Base):
    __tablename__ = "spot_checks"
    __table_args__ = (sa.UniqueConstraint("half_year", "region_code", name="uq_spot_checks_half_region"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    half_year: Mapped[str] = mapped_column(sa.String(7))  # "2026-H1"
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    seed: Mapped[str] = mapped_column(sa.String(64))
    townships: Mapped[int]
    villages_per_township: Mapped[int]
    per_village: Mapped[int]
    created_by: Mapped[str] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpotCheckItem(Base):
    __tablename__ = "spot_check_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    spot_check_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spot_checks.id", ondelete="CASCADE"), index=True
    )
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"))
    village_code: Mapped[str] = mapped_column(sa.String(12))
    outcome: Mapped[SpotOutcome | None] = mapped_column(EnumString(SpotOutcome))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None]
