"""Calendar months as values: payment, suspension and back pay are counted in whole months."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["YearMonth"]

_YM_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True, slots=True)
class YearMonth:
    """A calendar month, e.g. ``YearMonth(2026, 3)``; ordered, hashable, ``str()`` is ``"2026-03"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or isinstance(self.month, bool):
            raise TypeError("year and month must be integers")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")

    @classmethod
    def of(cls, day: date) -> YearMonth:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Parse ``"YYYY-MM"`` (``"2026-3"`` is accepted too); ValueError with a clear message otherwise."""
        match = _YM_RE.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"a month is written YYYY-MM, e.g. 2026-03; got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def from_index(cls, index: int) -> YearMonth:
        """Inverse of :attr:`index`."""
        year, month0 = divmod(index, 12)
        return cls(year, month0 + 1)

    @property
    def index(self) -> int:
        """Months since year 0, so that ``a.index - b.index`` counts months."""
        return self.year * 12 + self.month - 1

    def plus(self, months: int) -> YearMonth:
        """The month ``months`` later (earlier when negative)."""
        return YearMonth.from_index(self.index + months)

    def next(self) -> YearMonth:
        return self.plus(1)

    def prev(self) -> YearMonth:
        return self.plus(-1)

    def months_until(self, other: YearMonth) -> int:
        """How many months from this month to ``other`` (negative when ``other`` is earlier).

        ``YearMonth(2026, 3).months_until(YearMonth(2026, 5)) == 2``; the months *from* self *to* other
        inclusive are ``months_until + 1``.
        """
        return other.index - self.index

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
