"""Institutions (units) that certify their own retirees, their administrators, and batch attestations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstitutionMember(Base):
    """A retiree of an institution (each person belongs to at most one unit)."""

    __tablename__ = "institution_members"

    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )


class InstitutionAdmin(Base):
    """A staff account with the unit_admin role, and the one institution it administers."""

    __tablename__ = "institution_admins"

    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )


class BatchStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class BatchAttestation(Base):
    """A unit's statement that the listed retirees are alive, waiting for an agency reviewer."""

    __tablename__ = "batch_attestations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    beneficiary_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    statement: Mapped[str] = mapped_column(sa.String(500))
    submitted_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    status: Mapped[BatchStatus] = mapped_column(EnumString(BatchStatus), default=BatchStatus.PENDING)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
