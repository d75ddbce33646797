"""YearMonth: the month arithmetic suspension and back pay are counted in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.months import YearMonth

months = st.builds(
    YearMonth, st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12)
)


def test_str_and_parse() -> None:
    assert str(YearMonth(2026, 3)) == "2026-03"
    assert YearMonth.parse("2026-03") == YearMonth(2026, 3)
    assert YearMonth.parse(" 2026-3 ") == YearMonth(2026, 3)
    for bad in ("2026/03", "2026-13", "2026-00", "26-03", "", "2026-03-01"):
        with pytest.raises(ValueError):
            YearMonth.parse(bad)


def test_next_and_prev_cross_the_year() -> None:
    assert YearMonth(2026, 12).next() == YearMonth(2027, 1)
    assert YearMonth(2027, 1).prev() == YearMonth(2026, 12)
    assert YearMonth(2026, 11).plus(14) == YearMonth(2028, 1)
    assert YearMonth(2026, 1).plus(-13) == YearMonth(2024, 12)


def test_first_and_last_day() -> None:
    assert YearMonth(2024, 2).last_day() == date(2024, 2, 29)
    assert YearMonth(2026, 2).last_day() == date(2026, 2, 28)
    assert YearMonth(1900, 2).last_day() == date(1900, 2, 28)  # not a leap year
    assert YearMonth(2000, 2).last_day() == date(2000, 2, 29)
    assert YearMonth(2026, 12).first_day() == date(2026, 12, 1)
    assert YearMonth(2026, 12).last_day() == date(2026, 12, 31)


def test_months_until() -> None:
    assert YearMonth(2026, 3).months_until(YearMonth(2026, 5)) == 2
    assert YearMonth(2026, 11).months_until(YearMonth(2027, 2)) == 3
    assert YearMonth(2027, 2).months_until(YearMonth(2026, 11)) == -3


def test_invalid_months_refused() -> None:
    with pytest.raises(ValueError):
        YearMonth(2026, 13)
    with pytest.raises(ValueError):
        YearMonth(2026, 0)


@given(months)
def test_next_prev_round_trip_and_order(ym: YearMonth) -> None:
    assert ym.next().prev() == ym
    assert ym.prev() < ym < ym.next()
    assert ym.months_until(ym.next()) == 1
    assert YearMonth.parse(str(ym)) == ym
    # last day + 1 is the first day of the next month
    assert ym.last_day() + timedelta(days=1) == ym.next().first_day()
    assert ym.contains(ym.first_day()) and ym.contains(ym.last_day())


@given(months, months)
def test_months_until_agrees_with_order_and_plus(a: YearMonth, b: YearMonth) -> None:
    n = a.months_until(b)
    assert a.plus(n) == b
    assert (n > 0) == (a < b)
    assert b.months_until(a) == -n
