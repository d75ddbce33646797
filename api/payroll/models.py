"""A payment the bank reported as failed in its return file: an open case until a clerk resolves it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.enums import PaymentFailureState, PayrollAction
from shared.months import YearMonth


class PaymentFailure(Base):
    """One failed line of a return file. ``ref`` is the detail's reference in the payroll file (the audit
    event of the change), unique: importing the same return file again adds nothing."""

    __tablename__ = "payment_failures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ref: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    month: Mapped[YearMonth] = mapped_column(index=True)
    entitlement_id: Mapped[int] = mapped_column(sa.ForeignKey("entitlements.id"), index=True)
    action: Mapped[PayrollAction] = mapped_column(EnumString(PayrollAction, length=8))
    # what the failed instruction is about: the back pay of a resumption, else the monthly amount
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    reason_code: Mapped[str] = mapped_column(sa.String(8))  # the bank's code, e.g. "ACCTCLSD"
    state: Mapped[PaymentFailureState] = mapped_column(
        EnumString(PaymentFailureState, length=16), default=PaymentFailureState.OPEN
    )
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
