"""A recovery case's history (each step: date, staff member, note, document references) and its ledger of
repayments (integer cents). The case itself is :class:`api.comparison.models.RecoveryCase`."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.recovery import RecoveryState, RepaymentKind


class RecoveryStep(Base):
    """One move of a case from a state to the next (also the automatic move to ``repaid``)."""

    __tablename__ = "recovery_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("recovery_cases.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[RecoveryState] = mapped_column(EnumString(RecoveryState, 16))
    to_state: Mapped[RecoveryState] = mapped_column(EnumString(RecoveryState, 16))
    on: Mapped[date]  # the day it happened (a letter delivered, an agreement signed …)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(500))
    documents: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # references: letter numbers …
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryRepayment(Base):
    """Money that came back: the outstanding amount is the case's amount less the sum of these."""

    __tablename__ = "recovery_repayments"
    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("recovery_cases.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[RepaymentKind] = mapped_column(EnumString(RepaymentKind, 16))
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
