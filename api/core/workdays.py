"""The agency's working-day calendar (``settings.calendar_file``, default ``api/calendar.toml``), read once
per file version; shared/workdays.py has the rules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from shared.workdays import WEEKDAYS_ONLY, WorkCalendar, parse_calendar

DEFAULT_CALENDAR_FILE = Path(__file__).resolve().parents[1] / "calendar.toml"


def load_calendar(path: Path = DEFAULT_CALENDAR_FILE) -> WorkCalendar:
    """The calendar in ``path`` (re-read when the file changes); a missing file counts Monday to Friday. A
    file with a mistake raises shared.workdays.CalendarError naming the year and key."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return WEEKDAYS_ONLY
    return _parse(path, mtime)


@lru_cache(maxsize=8)
def _parse(path: Path, _mtime: int) -> WorkCalendar:
    return parse_calendar(path.read_text(encoding="utf-8"))
