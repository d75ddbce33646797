"""Home-visit requests and the records of visits where the face check could not be done."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from api.core.operator import OperatorKind
from shared.enums import VisitRecordReason, VisitRequestReason, VisitState

OPEN_STATES = (VisitState.REQUESTED, VisitState.SCHEDULED)


class VisitRequest(Base):
    """A home visit asked for by the person, a family helper or staff; moves only through
    :func:`api.worklist.visits.transition`."""

    __tablename__ = "visit_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    # The person's id while the request is open, NULL once closed: the unique constraint allows one open
    # request per person on both backends (NULLs never collide).
    open_for: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    state: Mapped[VisitState] = mapped_column(EnumString(VisitState), default=VisitState.REQUESTED)
    reason: Mapped[VisitRequestReason] = mapped_column(EnumString(VisitRequestReason))
    note: Mapped[str | None] = mapped_column(sa.String(300))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    requested_by_kind: Mapped[OperatorKind] = mapped_column(EnumString(OperatorKind, 16))
    requested_by_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(128), unique=True)
    scheduled_on: Mapped[date | None]
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    certification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certifications.id", ondelete="SET NULL")
    )
    outcome_note: Mapped[str | None] = mapped_column(sa.String(500))  # why the person could not be reached
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]

    @property
    def requested_by(self) -> str:
        return "self" if self.requested_by_id is None else f"{self.requested_by_kind}:{self.requested_by_id}"


class VisitRecord(Base):
    """A home visit where the face check could not be done: reason, notes, photos (evidence files of its
    review item); a reviewer's approval certifies the person with method ``home_visit``."""

    __tablename__ = "visit_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    visit_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), unique=True
    )
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[VisitRecordReason] = mapped_column(EnumString(VisitRecordReason))
    notes: Mapped[str] = mapped_column(sa.String(1000))
    visited_on: Mapped[date]
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    review_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_items.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
