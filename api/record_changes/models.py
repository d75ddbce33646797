"""A proposed change to a person's record (name, ID number, bank account) or to one of their entitlements
(monthly amount, benefit type, payment status), waiting for a second staff member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.record_changes import ChangeField, ChangeStatus


class RecordChange(Base):
    __tablename__ = "record_changes"
    __table_args__ = (
        # One pending proposal per person and field: ``pending_key`` is the field (with the entitlement for
        # an entitlement's field) while pending and NULL once decided; NULLs never collide.
        sa.UniqueConstraint("beneficiary_id", "pending_key", name="uq_record_changes_pending"),
        sa.Index("ix_record_changes_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    entitlement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entitlements.id", ondelete="CASCADE"))
    field: Mapped[ChangeField] = mapped_column(EnumString(ChangeField))
    pending_key: Mapped[str | None] = mapped_column(sa.String(64))
    before_value: Mapped[str | None] = mapped_column(sa.String(100))
    after_value: Mapped[str] = mapped_column(sa.String(100))
    from_month: Mapped[str | None] = mapped_column(sa.String(7))  # a suspension's or stop's first month
    # The target record (person or entitlement) as it was when proposed: approval re-checks it.
    basis: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.String(500))
    evidence: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[ChangeStatus] = mapped_column(EnumString(ChangeStatus), default=ChangeStatus.PENDING)
    proposed_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
