"""Overpayment after a death: months paid after the month of death × the monthly amount (pure arithmetic).

Payment for a month is made in that month, so months up to ``paid_through`` (inclusive) were paid; months
from a suspension on were not. Payment stops from the month after the death; every paid month from then
on is overpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.months import YearMonth

CREDIT_REFERRAL_CENTS = 300_000  # 3,000 yuan: cases at or above are referred to the credit list


@dataclass(frozen=True, slots=True)
class Overpayment:
    months: tuple[YearMonth, ...]
    monthly_cents: int

    @property
    def amount_cents(self) -> int:
        return len(self.months) * self.monthly_cents

    def referral(self, threshold_cents: int = CREDIT_REFERRAL_CENTS) -> bool:
        return self.amount_cents >= threshold_cents


def overpayment(
    *,
    death_date: date,
    paid_through: YearMonth,
    monthly_cents: int,
    suspended_since: YearMonth | None = None,
    stopped_from: YearMonth | None = None,
    paid_from: YearMonth | None = None,
) -> Overpayment:
    """The months paid after the death (none when payment had stopped or been suspended in time).

    Also used for an unemployment benefit ended by a comparison: ``death_date`` is then the event's date,
    and ``paid_from`` the first month that could have been paid (the benefit began after the event)."""
    if monthly_cents < 0:
        raise ValueError("the monthly amount cannot be negative")
    first = YearMonth.of(death_date).next()
    if paid_from is not None:
        first = max(first, paid_from)
    last = paid_through
    for cut in (suspended_since, stopped_from):
        if cut is not None:
            last = min(last, cut.prev())
    months = tuple(first.plus(i) for i in range(first.months_until(last) + 1)) if first <= last else ()
    return Overpayment(months, monthly_cents)
