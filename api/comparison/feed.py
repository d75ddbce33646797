"""What every step of a data-comparison import shares: the import's context, its report, the person a row
matched, and each row's outcome (applied, unchanged, or refused with a reason for the clerk)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from api.comparison.models import FeedKind
from api.comparison.overpayment import CREDIT_REFERRAL_CENTS
from api.comparison.rows import FeedRow, RowError
from api.core.region_paths import RegionPaths
from shared.months import YearMonth
from shared.policy import PolicyTable


@dataclass(frozen=True, slots=True)
class FeedContext:
    policy: PolicyTable
    region_paths: RegionPaths
    today: date  # the agency's date of the import (Beijing)
    actor: str
    paid_through: YearMonth | None = None  # last month paid; default: today's month
    referral_cents: int = CREDIT_REFERRAL_CENTS

    @property
    def paid_until(self) -> YearMonth:
        return self.paid_through or YearMonth.of(self.today)


@dataclass
class FeedReport:
    run_id: int
    kind: FeedKind
    rows: int = 0
    applied: int = 0
    unchanged: int = 0
    mismatched: int = 0
    errors: list[RowError] = field(default_factory=list)
    per_row: bool = False  # keep the row numbers below (an API batch's report; off for big file imports)
    applied_rows: list[int] = field(default_factory=list)
    unchanged_rows: list[int] = field(default_factory=list)
    mismatched_rows: list[int] = field(default_factory=list)  # left for a reviewer
    recovery_cases: int = 0
    referrals: int = 0  # cases of 3,000 yuan or more (listed only if the heirs refuse to repay)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class FeedPerson:
    """The roll's record of the person a row names (read without ORM rows on the bulk path)."""

    id: int
    id_number: str
    name: str
    birth_date: date
    region_code: str
    time_zone: str
    deceased_on: date | None


class Matched(NamedTuple):
    """A row and the person whose ID number and name it matches."""

    person: FeedPerson
    row: FeedRow


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What a row did: ``changed`` something, or nothing (already recorded); ``refused``: why it cannot be
    applied (reported to the clerk as a row error, nothing written)."""

    changed: bool = False
    refused: str | None = None


APPLIED = RowOutcome(changed=True)
UNCHANGED = RowOutcome()


def refused(reason: str) -> RowOutcome:
    return RowOutcome(refused=reason)


def count(report: FeedReport, outcome: RowOutcome, row: FeedRow) -> None:
    if outcome.refused is not None:
        report.errors.append(RowError(row.row_number, row.id_number, outcome.refused))
    elif outcome.changed:
        report.applied += 1
        if report.per_row:
            report.applied_rows.append(row.row_number)
    else:
        report.unchanged += 1
        if report.per_row:
            report.unchanged_rows.append(row.row_number)
