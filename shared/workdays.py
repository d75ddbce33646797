"""Working days as the State Council's holiday notices define them: Monday to Friday, minus the public
holidays, plus the make-up working days (调休) that fall on a weekend.

Every deadline counted in working days uses :class:`WorkCalendar` — disclosure postings (at least 7 working
days), the 10-working-day overseas review, expected review dates. The agency keeps the dates in a TOML file
(``api/calendar.toml``, one table per year); the service reads the file and hands its text to
:func:`parse_calendar` (this module does no I/O)::

    [2026]
    source = "国务院办公厅关于2026年部分节假日安排的通知"
    holidays = [2026-10-01, 2026-10-02, …]   # days off, weekdays or not
    workdays = [2026-09-20, 2026-10-10]      # weekend days worked instead (调休)

A year the file does not list is counted Monday to Friday (``covers(year)`` tells; ``lifecert calendar
check`` warns before the year starts).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


class CalendarError(ValueError):
    """The calendar file cannot be used; the message names the year and key."""


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked (调休)
    years: frozenset[int] = field(default_factory=frozenset)  # the years the file lists

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        left = days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def posting_end(self, first_day: date, working_days: int) -> date:
        """The last day of a posting that starts on ``first_day`` and lasts ``working_days`` working days
        (the first day counts when it is a working day)."""
        if working_days < 1:
            raise ValueError("a posting lasts at least one working day")
        if self.is_working_day(first_day):
            return self.add_working_days(first_day, working_days - 1)
        return self.add_working_days(first_day, working_days)

    def covers(self, year: int) -> bool:
        return year in self.years


WEEKDAYS_ONLY = WorkCalendar()


def _dates(year: int, key: str, value: object) -> Iterable[date]:
    if not isinstance(value, list):
        raise CalendarError(f"[{year}] {key} must be a list of dates (YYYY-MM-DD, no quotes)")
    for item in value:
        if not isinstance(item, date):
            raise CalendarError(f"[{year}] {key}: {item!r} is not a date (write YYYY-MM-DD, no quotes)")
        if item.year != year:
            raise CalendarError(f"[{year}] {key}: {item} is not in {year}")
        yield item


def parse_calendar(text: str) -> WorkCalendar:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"the calendar file is not valid TOML: {exc}") from None
    holidays: set[date] = set()
    workdays: set[date] = set()
    years: set[int] = set()
    for name, table in doc.items():
        if not name.isdigit() or not isinstance(table, dict):
            raise CalendarError(f"[{name}]: tables are years, e.g. [2026]")
        year = int(name)
        unknown = set(table) - {"source", "holidays", "workdays"}
        if unknown:
            raise CalendarError(f"[{year}]: unknown keys {', '.join(sorted(unknown))}")
        off = set(_dates(year, "holidays", table.get("holidays", [])))
        worked = set(_dates(year, "workdays", table.get("workdays", [])))
        if off & worked:
            raise CalendarError(f"[{year}]: {min(off & worked)} is both a holiday and a workday")
        weekday_workdays = sorted(d for d in worked if d.weekday() < 5)
        if weekday_workdays:
            raise CalendarError(f"[{year}] workdays: {weekday_workdays[0]} is a weekday (weekend days only)")
        holidays |= off
        workdays |= worked
        years.add(year)
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))
