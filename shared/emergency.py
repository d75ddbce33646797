"""Emergency extensions: periods in which a missed window does not suspend payment.

The 2020 epidemic notice suspended the stop of payment for people who could not certify during the
epidemic and gave them time afterwards. The agency declares such a period in the policy file::

    [[emergency]]
    name = "2020 新冠肺炎疫情"
    from = "2020-01"              # first month of the period
    until = "2020-06"             # last month of the period
    regions = ["42"]              # optional: these regions and everything below; absent = everywhere
    extend_months = 3             # missed deadlines move this many months past the period's end

For the monthly run of month M, an entitlement whose window closed uncertified is **spared** (not
suspended) when its person lives in one of the regions and its suspension would start in or after ``from``
and M is not later than ``until`` + ``extend_months``. After that, the run suspends as usual (from M: the
months of the period and the extension were paid). Certifications made during the period by other means
than the person's own face check are recorded with the emergency's name (``flag``), so they can be checked
again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.months import YearMonth

MAX_EXTEND_MONTHS = 24


@dataclass(frozen=True, slots=True)
class Emergency:
    name: str
    start: YearMonth
    end: YearMonth
    regions: tuple[str, ...] = ()  # region codes; empty: everywhere
    extend_months: int = 0

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"until ({self.end}) is before from ({self.start})")
        if not 0 <= self.extend_months <= MAX_EXTEND_MONTHS:
            raise ValueError(f"extend_months must be 0 to {MAX_EXTEND_MONTHS}, got {self.extend_months}")

    @property
    def last_spared_month(self) -> YearMonth:
        return self.end.plus(self.extend_months)

    @property
    def flag(self) -> str:
        return f"emergency:{self.name}"

    def covers(self, region_codes: Sequence[str]) -> bool:
        """True for a person whose region path (province … village) lies in one of the regions."""
        return not self.regions or any(code in self.regions for code in region_codes)

    def spares(self, run_month: YearMonth, suspend_from: YearMonth, region_codes: Sequence[str]) -> bool:
        """Whether the run of ``run_month`` leaves unsuspended an entitlement that would be suspended from
        ``suspend_from``."""
        return (
            self.covers(region_codes)
            and suspend_from >= self.start
            and self.start <= run_month <= self.last_spared_month
        )

    def during(self, day: date, region_codes: Sequence[str]) -> bool:
        """Whether ``day`` falls in the period for a person in ``region_codes``."""
        return self.covers(region_codes) and self.start <= YearMonth.of(day) <= self.end


def sparing(
    emergencies: Sequence[Emergency],
    run_month: YearMonth,
    suspend_from: YearMonth,
    region_codes: Sequence[str],
) -> Emergency | None:
    """The first declared emergency that spares this suspension, if any."""
    return next((e for e in emergencies if e.spares(run_month, suspend_from, region_codes)), None)


def active_on(emergencies: Sequence[Emergency], day: date, region_codes: Sequence[str]) -> Emergency | None:
    return next((e for e in emergencies if e.during(day, region_codes)), None)
