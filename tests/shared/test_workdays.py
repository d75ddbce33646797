"""Working days per the State Council's holiday notices (shared/workdays.py, api/calendar.toml)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from api.core.workdays import DEFAULT_CALENDAR_FILE, load_calendar
from shared.workdays import WEEKDAYS_ONLY, CalendarError, parse_calendar

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped():
    return load_calendar(DEFAULT_CALENDAR_FILE)


def test_the_2025_and_2026_national_day_notices(shipped) -> None:
    # 国务院办公厅关于2025年部分节假日安排的通知: 1–8 Oct off; Sun 28 Sep and Sat 11 Oct worked
    assert not any(shipped.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert shipped.is_working_day(date(2025, 9, 28)) and shipped.is_working_day(date(2025, 10, 11))
    # …2026年…: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct worked; Spring Festival 15–23 Feb off, Sat 14 and 28
    # Feb worked
    assert not any(shipped.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert shipped.is_working_day(date(2026, 9, 20)) and shipped.is_working_day(date(2026, 10, 10))
    assert not any(shipped.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert shipped.is_working_day(date(2026, 2, 14)) and shipped.is_working_day(date(2026, 2, 28))
    assert shipped.is_working_day(date(2026, 11, 30)) and not shipped.is_working_day(date(2026, 11, 29))
    assert {2025, 2026, 2027} <= shipped.years


def test_a_posting_over_national_day_skips_the_holiday_and_counts_the_make_up_day(shipped) -> None:
    # 7 working days from Tue 29 Sep 2026: 29, 30 Sep, 8, 9, Sat 10 (make-up), 12, 13 Oct
    assert shipped.posting_end(date(2026, 9, 29), 7) == date(2026, 10, 13)
    assert WEEKDAYS_ONLY.posting_end(date(2026, 9, 29), 7) == date(2026, 10, 7)  # what Mon–Fri would say
    # a posting that starts on a day off starts counting on the next working day
    assert shipped.posting_end(date(2026, 10, 3), 1) == date(2026, 10, 8)
    # the 10-working-day review promise made on the last working day before the holiday
    assert shipped.add_working_days(date(2026, 9, 30), 10) == date(2026, 10, 20)


def test_the_shipped_file_is_what_the_generator_makes_from_the_holidays_package() -> None:
    pytest.importorskip("holidays", reason="the holidays package (dev extras) checks the shipped calendar")
    made = subprocess.run(
        [sys.executable, str(ROOT / "build" / "make_calendar.py"), "2025", "2026", "2027"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert parse_calendar(made) == parse_calendar(DEFAULT_CALENDAR_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[2026]\nholidays = ["2026-10-01"]\n', "is not a date"),
        ("[2026]\nholidays = [2025-10-01]\n", "is not in 2026"),
        ("[2026]\nworkdays = [2026-09-21]\n", "is a weekday"),
        ("[2026]\nholidays = [2026-09-20]\nworkdays = [2026-09-20]\n", "both a holiday and a workday"),
        ("[2026]\nholiday = [2026-10-01]\n", "unknown keys holiday"),
        ("[national]\nholidays = []\n", "tables are years"),
        ("[2026\n", "not valid TOML"),
    ],
)
def test_mistakes_in_the_file_are_named(text: str, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        parse_calendar(text)


def test_a_year_the_file_does_not_list_counts_monday_to_friday(shipped) -> None:
    assert not shipped.covers(2031)
    assert shipped.add_working_days(date(2031, 10, 1), 1) == date(2031, 10, 2)


def test_calendar_check_warns_in_december_when_next_year_is_missing(tmp_path) -> None:
    only_2026 = tmp_path / "calendar.toml"
    only_2026.write_text("[2026]\nholidays = [2026-10-01]\nworkdays = [2026-10-10]\n")
    env = {"LIFECERT_CALENDAR_FILE": str(only_2026), "PATH": "/usr/bin:/bin"}

    def check(today: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", "calendar", "check", "--today", today],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )

    november, december = check("2026-11-30"), check("2026-12-01")
    assert (
        november.returncode == 0 and "2026: 1 holidays, make-up working days: 2026-10-10" in november.stdout
    )
    assert december.returncode == 1 and "does not list 2027" in december.stderr
    only_2026.write_text("[2026]\nworkdays = [2026-10-12]\n")
    broken = check("2026-11-30")
    assert broken.returncode == 2 and "2026-10-12 is a weekday" in broken.stderr
