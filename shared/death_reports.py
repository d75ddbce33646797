"""Monthly death reports: who reports (a village's coordinator, an institution's unit admin), who
consolidates (the township, then the county), when each is due, and the API's request and answer shapes.

A report is about one calendar month (the month the deaths happened in) and is due on a day of the
following month set in the policy file (``death_report_village_day`` 3, ``death_report_unit_day`` 4 —
institutions and townships —, ``death_report_county_day`` 5). The days are calendar days.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from pydantic import BaseModel, Field

from shared.months import YearMonth

MAX_DEATHS = 500  # rows in one report (a village or unit never reports more in a month)
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class ReporterKind(enum.StrEnum):
    VILLAGE = "village"  # a village's coordinator reports its deaths
    INSTITUTION = "institution"  # an institution's unit admin reports its retirees' deaths
    TOWNSHIP = "township"  # consolidates its villages
    COUNTY = "county"  # consolidates its townships and the institutions in the county


class UnitStatus(enum.StrEnum):
    REPORTED = "reported"  # a report (or consolidation) is in, on time
    REPORTED_LATE = "reported_late"  # in, after its deadline
    LATE = "late"  # missing, and its deadline has passed
    NOT_DUE = "not_due"  # missing, still before its deadline


def deadline(month: YearMonth, kind: ReporterKind, days: tuple[int, int, int]) -> date:
    """The day a ``kind`` report about ``month`` is due: a day of the following month (``days``: village,
    unit/township, county — the policy's ``death_report_*_day``)."""
    village, unit, county = days
    day = {
        ReporterKind.VILLAGE: village,
        ReporterKind.INSTITUTION: unit,
        ReporterKind.TOWNSHIP: unit,
        ReporterKind.COUNTY: county,
    }[kind]
    following = month.next()
    return date(following.year, following.month, day)


def unit_key(kind: ReporterKind, ref: str | int) -> str:
    """The reporting unit's key: ``village:<code>``, ``institution:<id>``, ``township:<code>``, …"""
    return f"{kind.value}:{ref}"


class DeathRowIn(BaseModel):
    id_number: str = Field(min_length=15, max_length=18)
    name: str = Field(min_length=1, max_length=100)
    died_on: date
    note: str = Field("", max_length=200)  # place of death, source (hospital, family, crematorium …)


class DeathReportIn(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN)
    # the village reported for (a coordinator's own village is the default); unit admins leave it out
    village_code: str | None = Field(None, min_length=2, max_length=12)
    none_this_month: bool = False
    deaths: list[DeathRowIn] = Field(default_factory=list, max_length=MAX_DEATHS)


class ConsolidationIn(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN)
    region_code: str = Field(min_length=6, max_length=12)  # the township or county consolidating
    # consolidate although some units have not reported: they are listed as late in the consolidation
    accept_missing: bool = False


class RemindIn(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN)


class DeathRowPublic(BaseModel):
    id_number: str  # masked
    name: str  # masked
    died_on: date
    note: str


class DeathReportPublic(BaseModel):
    id: int
    month: str
    kind: ReporterKind
    unit: str  # unit key
    unit_name: str
    none_this_month: bool
    deaths: list[DeathRowPublic]
    submitted_by: int
    submitted_at: datetime
    deadline: date
    late: bool
    replaced: int  # how many times it was resubmitted
    locked: bool  # the level above has consolidated it


class RowResult(BaseModel):
    """What consolidation did with one listed death."""

    unit: str
    row: int  # the row's position in its report, from 1
    id_number: str  # masked
    # applied | unchanged | mismatched (left for a reviewer) | not_on_roll | out_of_region | not_applicable
    outcome: str
    message: str = ""


class ConsolidationPublic(BaseModel):
    id: int
    month: str
    kind: ReporterKind
    unit: str
    unit_name: str
    included: list[str]  # the unit keys consolidated
    missing: list[str]  # late units consolidated without
    deaths: int
    applied: int
    rows: list[RowResult]
    submitted_by: int
    submitted_at: datetime
    deadline: date
    late: bool


class UnitState(BaseModel):
    unit: str
    kind: ReporterKind
    name: str
    deadline: date
    status: UnitStatus
    report_id: int | None = None
    none_this_month: bool | None = None
    deaths: int | None = None
    locked: bool = False


class LateList(BaseModel):
    month: str
    today: date
    units: list[UnitState]


class ReminderPublic(BaseModel):
    unit: str
    name: str
    recipients: int  # staff accounts of the unit the reminder went to (0: recorded, nobody to send to)
    queued: bool  # False: already reminded today
