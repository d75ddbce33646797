"""Certification cycle rules: windows, states, suspension, resumption, back pay, local dates.

Example tests pin each rule to hand-checked dates; property tests (hypothesis) check the rules over any
birth date (Feb 29, December), any day in a window (first, last), any time zone, and against a plain
re-statement of the policy written independently of the module's month-index arithmetic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shared.cycle import (
    Window,
    YearMonth,
    agency_today,
    day_starts_at,
    evaluate,
    local_date,
    local_time,
    next_window,
    previous_window,
    resumption,
    suspension_month,
    window_for,
)
from shared.enums import CycleState, PaymentState
from shared.policy import CyclePolicy

ANNUAL = CyclePolicy("annual_birthday", 12, 30)
HALF_YEAR = CyclePolicy("fixed_months", 6, 30)
QUARTER = CyclePolicy("fixed_months", 3, 20)
CALENDAR_YEAR = CyclePolicy("fixed_months", 12, 30)
POLICIES = [ANNUAL, HALF_YEAR, QUARTER, CALENDAR_YEAR]

policies = st.sampled_from(POLICIES)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2010, 12, 31))
feb29_births = st.sampled_from([date(y, 2, 29) for y in range(1904, 2009, 4)])
december_births = st.dates(min_value=date(1900, 1, 1), max_value=date(2010, 12, 31)).map(
    lambda d: date(d.year, 12, min(d.day, 31))
)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2045, 12, 31))
ZONES = [
    "Asia/Shanghai",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Pacific/Pago_Pago",  # UTC-11
    "Pacific/Kiritimati",  # UTC+14
]
zones = st.sampled_from(ZONES)


def expected_window(policy: CyclePolicy, birth: date, day: date) -> tuple[date, date]:
    """The policy restated plainly (no month indices), as a reader of the brief would compute it."""
    if policy.kind == "annual_birthday":
        year = day.year if day.month >= birth.month else day.year - 1
        start = date(year, birth.month, 1)
        next_start = date(year + 1, birth.month, 1)
    else:
        first_month = (day.month - 1) // policy.months * policy.months + 1
        start = date(day.year, first_month, 1)
        end_month = first_month + policy.months  # 13 means January next year
        next_start = date(day.year + 1, 1, 1) if end_month > 12 else date(day.year, end_month, 1)
    return start, next_start - timedelta(days=1)


# --- windows: examples -----------------------------------------------------------------------------------


def test_annual_window_from_birthday_month_to_the_month_before() -> None:
    birth = date(1950, 3, 10)
    assert window_for(ANNUAL, birth, date(2026, 3, 1)) == Window(date(2026, 3, 1), date(2027, 2, 28))
    assert window_for(ANNUAL, birth, date(2026, 2, 28)) == Window(date(2025, 3, 1), date(2026, 2, 28))
    # the window ending in a leap February ends on the 29th
    assert window_for(ANNUAL, birth, date(2027, 3, 1)).end == date(2028, 2, 29)


def test_december_birthday_window_crosses_the_year() -> None:
    birth = date(1955, 12, 31)
    assert window_for(ANNUAL, birth, date(2026, 12, 1)) == Window(date(2026, 12, 1), date(2027, 11, 30))
    assert window_for(ANNUAL, birth, date(2026, 11, 30)) == Window(date(2025, 12, 1), date(2026, 11, 30))
    assert window_for(ANNUAL, birth, date(2027, 6, 15)) == Window(date(2026, 12, 1), date(2027, 11, 30))


def test_january_birthday_window_is_the_calendar_year() -> None:
    assert window_for(ANNUAL, date(1948, 1, 20), date(2026, 7, 1)) == Window(
        date(2026, 1, 1), date(2026, 12, 31)
    )


def test_feb29_birth_uses_february_every_year() -> None:
    birth = date(1952, 2, 29)
    assert window_for(ANNUAL, birth, date(2026, 2, 1)) == Window(date(2026, 2, 1), date(2027, 1, 31))
    assert window_for(ANNUAL, birth, date(2026, 1, 31)) == Window(date(2025, 2, 1), date(2026, 1, 31))
    assert window_for(ANNUAL, birth, date(2028, 2, 29)) == Window(date(2028, 2, 1), date(2029, 1, 31))


def test_fixed_half_year_and_quarter_windows_are_calendar_aligned() -> None:
    birth = date(1950, 3, 10)  # irrelevant for fixed cycles
    assert window_for(HALF_YEAR, birth, date(2026, 6, 30)) == Window(date(2026, 1, 1), date(2026, 6, 30))
    assert window_for(HALF_YEAR, birth, date(2026, 7, 1)) == Window(date(2026, 7, 1), date(2026, 12, 31))
    assert window_for(QUARTER, birth, date(2026, 2, 14)) == Window(date(2026, 1, 1), date(2026, 3, 31))
    assert window_for(QUARTER, birth, date(2026, 5, 31)) == Window(date(2026, 4, 1), date(2026, 6, 30))
    assert window_for(QUARTER, birth, date(2026, 9, 1)) == Window(date(2026, 7, 1), date(2026, 9, 30))
    assert window_for(QUARTER, birth, date(2026, 12, 31)) == Window(date(2026, 10, 1), date(2026, 12, 31))
    assert window_for(CALENDAR_YEAR, birth, date(2026, 12, 31)) == Window(
        date(2026, 1, 1), date(2026, 12, 31)
    )


def test_window_neighbours_and_months() -> None:
    w = window_for(QUARTER, date(1950, 1, 1), date(2026, 11, 22))
    assert next_window(QUARTER, date(1950, 1, 1), w) == Window(date(2027, 1, 1), date(2027, 3, 31))
    assert previous_window(QUARTER, date(1950, 1, 1), w) == Window(date(2026, 7, 1), date(2026, 9, 30))
    assert w.months == (YearMonth(2026, 10), YearMonth(2026, 11), YearMonth(2026, 12))
    assert str(w) == "2026-10-01..2026-12-31"


def test_window_refuses_partial_months() -> None:
    with pytest.raises(ValueError):
        Window(date(2026, 1, 2), date(2026, 3, 31))
    with pytest.raises(ValueError):
        Window(date(2026, 1, 1), date(2026, 3, 30))
    with pytest.raises(ValueError):
        Window(date(2026, 4, 1), date(2026, 3, 31))


# --- windows: properties ---------------------------------------------------------------------------------


@given(policies, births, days)
def test_window_matches_the_plain_statement_of_the_policy(
    policy: CyclePolicy, birth: date, day: date
) -> None:
    w = window_for(policy, birth, day)
    assert (w.start, w.end) == expected_window(policy, birth, day)


@given(policies, births, days)
def test_windows_tile_time_without_gaps_or_overlaps(policy: CyclePolicy, birth: date, day: date) -> None:
    w = window_for(policy, birth, day)
    assert w.contains(day)
    assert w.start.day == 1 and (w.end + timedelta(days=1)).day == 1
    assert len(w.months) == policy.months
    # every day of the window maps to this same window: first and last day in particular
    assert window_for(policy, birth, w.start) == w == window_for(policy, birth, w.end)
    after = window_for(policy, birth, w.end + timedelta(days=1))
    before = window_for(policy, birth, w.start - timedelta(days=1))
    assert after.start == w.end + timedelta(days=1)  # no gap, no overlap
    assert before.end == w.start - timedelta(days=1)
    assert next_window(policy, birth, w) == after and previous_window(policy, birth, w) == before


@given(feb29_births, days)
def test_feb29_births_windows_start_in_february(birth: date, day: date) -> None:
    w = window_for(ANNUAL, birth, day)
    assert (w.start.month, w.end.month, w.end.day) == (2, 1, 31)
    assert w.end.year == w.start.year + 1


@given(december_births, days)
def test_december_birthday_windows_cross_the_year(birth: date, day: date) -> None:
    w = window_for(ANNUAL, birth, day)
    assert (w.start.month, w.start.day) == (12, 1)
    assert (w.end.year, w.end.month, w.end.day) == (w.start.year + 1, 11, 30)


@given(births, days)
def test_annual_windows_start_in_the_birthday_month(birth: date, day: date) -> None:
    w = window_for(ANNUAL, birth, day)
    assert w.start.month == birth.month
    assert w.end.month == (birth.month - 2) % 12 + 1  # the month before the birthday month


@given(st.sampled_from([HALF_YEAR, QUARTER]), births, days)
def test_fixed_windows_are_aligned_to_the_calendar(policy: CyclePolicy, birth: date, day: date) -> None:
    w = window_for(policy, birth, day)
    starts = {6: {1, 7}, 3: {1, 4, 7, 10}}[policy.months]
    assert w.start.month in starts and w.start.year == w.end.year
    # the same for everyone: the birth date plays no part
    assert window_for(policy, date(1950, 8, 8), day) == w


# --- states: examples ------------------------------------------------------------------------------------

BIRTH = date(1950, 3, 10)  # annual windows: March .. February


def test_certified_in_current_window() -> None:
    s = evaluate(ANNUAL, BIRTH, [date(2026, 4, 2)], date(2026, 11, 22))
    assert s.state is CycleState.CERTIFIED
    assert s.window == Window(date(2026, 3, 1), date(2027, 2, 28))
    assert s.last_certified == date(2026, 4, 2)
    assert s.valid_until == date(2027, 2, 28)
    assert s.next_due == date(2028, 2, 29)  # the next window's deadline
    assert s.suspend_from == YearMonth(2028, 3)
    assert s.days_left == (date(2028, 2, 29) - date(2026, 11, 22)).days


def test_due_when_previous_window_certified() -> None:
    s = evaluate(ANNUAL, BIRTH, [date(2025, 5, 20)], date(2026, 11, 22))
    assert s.state is CycleState.DUE
    assert s.valid_until == date(2026, 2, 28)
    assert s.next_due == date(2027, 2, 28)
    assert s.suspend_from == YearMonth(2027, 3)  # would be, if this window closes uncertified
    assert s.days_left == 98
    assert s.remind_from == date(2027, 1, 29)
    assert not s.in_reminder_period(date(2026, 11, 22))
    assert s.in_reminder_period(date(2027, 1, 29))


def test_overdue_when_previous_window_closed_uncertified() -> None:
    s = evaluate(ANNUAL, BIRTH, [date(2024, 3, 1)], date(2026, 3, 1))
    assert s.state is CycleState.OVERDUE
    assert s.suspend_from == YearMonth(2026, 3)  # the month after the window closed on 2026-02-28
    assert s.next_due == date(2027, 2, 28)  # certifying in this window still counts
    assert s.valid_until == date(2025, 2, 28)
    assert suspension_month(ANNUAL, BIRTH, date(2026, 3, 1), certifications=[date(2024, 3, 1)]) == YearMonth(
        2026, 3
    )


def test_overdue_counts_from_the_first_missed_window() -> None:
    s = evaluate(ANNUAL, BIRTH, [date(2022, 6, 1)], date(2026, 11, 22))
    # last certified window 2022-03..2023-02; missed 2023-03..2024-02 first → suspended from 2024-03
    assert s.state is CycleState.OVERDUE
    assert s.suspend_from == YearMonth(2024, 3)


def test_no_history_means_overdue_from_the_current_window() -> None:
    s = evaluate(ANNUAL, BIRTH, [], date(2026, 11, 22))
    assert s.state is CycleState.OVERDUE
    assert s.last_certified is None and s.valid_until is None
    assert s.suspend_from == YearMonth(2026, 3)
    assert suspension_month(ANNUAL, BIRTH, date(2026, 11, 22)) == YearMonth(2026, 3)


def test_certifying_late_makes_the_current_window_certified() -> None:
    s = evaluate(ANNUAL, BIRTH, [date(2024, 3, 1), date(2026, 5, 5)], date(2026, 5, 5))
    assert s.state is CycleState.CERTIFIED
    assert (
        suspension_month(ANNUAL, BIRTH, date(2026, 5, 5), certifications=[date(2024, 3, 1), date(2026, 5, 5)])
        is None
    )


def test_certifying_on_the_last_day_of_the_window_counts() -> None:
    on_last_day = [date(2026, 2, 28)]  # window 2025-03 .. 2026-02
    assert evaluate(ANNUAL, BIRTH, on_last_day, date(2026, 2, 28)).state is CycleState.CERTIFIED
    after = evaluate(ANNUAL, BIRTH, on_last_day, date(2026, 3, 1))
    assert after.state is CycleState.DUE
    assert after.valid_until == date(2026, 2, 28)
    one_day_late = [date(2026, 3, 1)]
    late = evaluate(ANNUAL, BIRTH, one_day_late, date(2026, 3, 1))
    assert late.state is CycleState.CERTIFIED and late.valid_until == date(2027, 2, 28)
    # … but the window that closed on 2026-02-28 was missed if nothing else certified it
    assert evaluate(ANNUAL, BIRTH, [date(2024, 4, 1)], date(2026, 3, 1)).state is CycleState.OVERDUE


def test_certifying_on_the_first_day_of_the_window_counts() -> None:
    s = evaluate(QUARTER, BIRTH, [date(2026, 10, 1)], date(2026, 12, 31))
    assert s.state is CycleState.CERTIFIED
    assert s.valid_until == date(2026, 12, 31)
    assert s.next_due == date(2027, 3, 31)
    # the day before belongs to the previous quarter
    assert evaluate(QUARTER, BIRTH, [date(2026, 9, 30)], date(2026, 12, 31)).state is CycleState.DUE


def test_certification_dated_in_the_next_window_moves_the_deadline_on() -> None:
    # Auckland's date can be a day ahead of Beijing's: both the current and the next window are certified
    certs = [date(2026, 4, 1), date(2027, 3, 1)]
    s = evaluate(ANNUAL, BIRTH, certs, date(2027, 2, 28))
    assert s.state is CycleState.CERTIFIED
    assert s.next_due == date(2029, 2, 28) and s.suspend_from == YearMonth(2029, 3)
    assert s.valid_until == date(2028, 2, 29)


def test_half_year_cycle() -> None:
    s = evaluate(HALF_YEAR, BIRTH, [date(2026, 3, 3)], date(2026, 11, 22))
    assert s.state is CycleState.DUE
    assert s.window == Window(date(2026, 7, 1), date(2026, 12, 31))
    assert s.next_due == date(2026, 12, 31) and s.suspend_from == YearMonth(2027, 1)
    s = evaluate(HALF_YEAR, BIRTH, [date(2025, 12, 3)], date(2026, 11, 22))
    assert s.state is CycleState.OVERDUE and s.suspend_from == YearMonth(2026, 7)


def test_suspended_and_stopped_payment_states() -> None:
    s = evaluate(
        ANNUAL,
        BIRTH,
        [date(2024, 3, 1)],
        date(2026, 11, 22),
        payment_state=PaymentState.SUSPENDED,
        suspended_since=YearMonth(2026, 3),
    )
    assert s.state is CycleState.SUSPENDED and s.suspend_from == YearMonth(2026, 3)
    # without a stored month, the month is worked out from the history
    s = evaluate(ANNUAL, BIRTH, [date(2024, 3, 1)], date(2026, 11, 22), payment_state=PaymentState.SUSPENDED)
    assert s.state is CycleState.SUSPENDED and s.suspend_from == YearMonth(2026, 3)
    s = evaluate(ANNUAL, BIRTH, [date(2026, 3, 1)], date(2026, 11, 22), payment_state=PaymentState.STOPPED)
    assert s.state is CycleState.STOPPED and s.suspend_from is None


def test_entitlement_start_certifies_its_window() -> None:
    # granted on 2026-06-10: nothing before was required; the enrolment window is certified by enrolment
    s = evaluate(ANNUAL, BIRTH, [], date(2026, 11, 22), entitled_since=date(2026, 6, 10))
    assert s.state is CycleState.CERTIFIED and s.next_due == date(2028, 2, 29)
    assert s.valid_until is None  # no certification yet
    s = evaluate(ANNUAL, BIRTH, [], date(2027, 3, 1), entitled_since=date(2026, 6, 10))
    assert s.state is CycleState.DUE and s.next_due == date(2028, 2, 29)
    s = evaluate(ANNUAL, BIRTH, [], date(2028, 3, 1), entitled_since=date(2026, 6, 10))
    assert s.state is CycleState.OVERDUE and s.suspend_from == YearMonth(2028, 3)


def test_datetimes_are_refused_where_local_dates_are_expected() -> None:
    with pytest.raises(TypeError):
        evaluate(ANNUAL, BIRTH, [datetime(2026, 3, 1, 12, tzinfo=UTC)], date(2026, 11, 22))
    with pytest.raises(TypeError):
        window_for(ANNUAL, BIRTH, datetime(2026, 3, 1, 12))


# --- states: properties ----------------------------------------------------------------------------------


@given(policies, births, days, st.data())
def test_any_day_in_a_window_certifies_it(
    policy: CyclePolicy, birth: date, day: date, data: st.DataObject
) -> None:
    w = window_for(policy, birth, day)
    cert = data.draw(st.sampled_from([w.start, w.end, day]), label="certified on")
    today = data.draw(st.dates(min_value=cert, max_value=w.end), label="today")
    s = evaluate(policy, birth, [cert], today)
    assert s.state is CycleState.CERTIFIED
    assert s.valid_until == w.end
    nxt = next_window(policy, birth, w)
    assert s.next_due == nxt.end
    assert s.suspend_from == nxt.last_month.next()
    # in the next window the person is due, not overdue; in the one after, overdue
    s2 = evaluate(policy, birth, [cert], nxt.start)
    assert s2.state is CycleState.DUE and s2.next_due == nxt.end
    after = next_window(policy, birth, nxt)
    later = data.draw(st.dates(min_value=after.start, max_value=after.end), label="later")
    s3 = evaluate(policy, birth, [cert], later)
    assert s3.state is CycleState.OVERDUE
    assert s3.suspend_from == after.first_month == nxt.last_month.next()
    assert suspension_month(policy, birth, later, certifications=[cert]) == after.first_month


@given(policies, births, days, st.lists(days, max_size=6))
def test_status_invariants(policy: CyclePolicy, birth: date, today: date, certs: list[date]) -> None:
    s = evaluate(policy, birth, certs, today)
    assert s.window == window_for(policy, birth, today)
    assert s.days_left >= 0 and s.next_due >= today
    assert window_for(policy, birth, s.next_due).end == s.next_due  # a deadline is a window end
    assert s.remind_from == s.next_due - timedelta(days=policy.remind_days_before)
    certified_now = any(s.window.contains(c) for c in certs)
    assert (s.state is CycleState.CERTIFIED) == certified_now
    # next_due closes the first window, from today's on, that no certification covers
    w = s.window
    while any(w.contains(c) for c in certs):
        w = next_window(policy, birth, w)
    assert s.next_due == w.end
    assert (s.next_due > s.window.end) == certified_now
    if s.state in (CycleState.CERTIFIED, CycleState.DUE):
        assert s.suspend_from == YearMonth.of(s.next_due).next()
    else:
        assert s.state is CycleState.OVERDUE
        assert s.suspend_from is not None and s.suspend_from <= s.window.first_month
        # the month after a closed window, and that window has no certification
        missed = window_for(policy, birth, s.suspend_from.prev().last_day())
        assert missed.end < today and not any(missed.contains(c) for c in certs)
    if certs:
        assert s.last_certified == max(certs)
        assert s.valid_until == window_for(policy, birth, max(certs)).end
    # order of the history does not matter
    assert evaluate(policy, birth, list(reversed(certs)), today) == s


def _by_day_oracle(policy: CyclePolicy, birth: date, certs: list[date], today: date) -> CycleState:
    """States restated from the brief: walk back window by window from today."""
    start, end = expected_window(policy, birth, today)
    if any(start <= c <= end for c in certs):
        return CycleState.CERTIFIED
    prev_start, prev_end = expected_window(policy, birth, start - timedelta(days=1))
    if any(prev_start <= c <= prev_end for c in certs):
        return CycleState.DUE
    return CycleState.OVERDUE


@given(policies, births, days, st.lists(days, max_size=4))
def test_state_matches_the_plain_statement(
    policy: CyclePolicy, birth: date, today: date, certs: list[date]
) -> None:
    assert evaluate(policy, birth, certs, today).state is _by_day_oracle(policy, birth, certs, today)


# --- resumption ------------------------------------------------------------------------------------------


def test_resumption_example() -> None:
    r = resumption(ANNUAL, BIRTH, YearMonth(2026, 3), date(2026, 5, 20))
    assert r.resume_month == YearMonth(2026, 6)
    assert r.back_pay_months == (YearMonth(2026, 3), YearMonth(2026, 4), YearMonth(2026, 5))
    assert r.back_pay_cents(312_550) == 937_650
    assert r.window == Window(date(2026, 3, 1), date(2027, 2, 28))


def test_resumption_in_the_suspension_month_pays_that_month() -> None:
    r = resumption(QUARTER, BIRTH, YearMonth(2026, 10), date(2026, 10, 1))
    assert r.resume_month == YearMonth(2026, 11)
    assert r.back_pay_months == (YearMonth(2026, 10),)


def test_resumption_across_the_year() -> None:
    r = resumption(ANNUAL, date(1955, 12, 31), YearMonth(2026, 12), date(2027, 2, 3))
    assert r.back_pay_months == (YearMonth(2026, 12), YearMonth(2027, 1), YearMonth(2027, 2))
    assert r.resume_month == YearMonth(2027, 3)


def test_resumption_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="before the suspension"):
        resumption(ANNUAL, BIRTH, YearMonth(2026, 3), date(2026, 2, 28))
    r = resumption(ANNUAL, BIRTH, YearMonth(2026, 3), date(2026, 3, 31))
    with pytest.raises(ValueError):
        r.back_pay_cents(-1)
    with pytest.raises(ValueError):
        r.back_pay_cents(10.5)  # type: ignore[arg-type]


@given(
    policies, births, days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=10**9)
)
def test_resumption_arithmetic(policy: CyclePolicy, birth: date, cert: date, back: int, cents: int) -> None:
    since = YearMonth.of(cert).plus(-back)
    r = resumption(policy, birth, since, cert)
    assert len(r.back_pay_months) == since.months_until(YearMonth.of(cert)) + 1 == back + 1
    assert r.back_pay_months[0] == since and r.back_pay_months[-1] == YearMonth.of(cert)
    assert all(a.next() == b for a, b in zip(r.back_pay_months, r.back_pay_months[1:], strict=False))
    assert r.resume_month == YearMonth.of(cert).next()
    assert r.back_pay_cents(cents) == cents * (back + 1)
    assert r.window.contains(cert)


@given(policies, births, days, st.integers(min_value=0, max_value=30))
def test_suspend_then_certify_round_trip(
    policy: CyclePolicy, birth: date, last: date, late_days: int
) -> None:
    """Missed a window → suspended from the month after it → a late certification pays exactly those
    months."""
    w = window_for(policy, birth, last)
    missed = next_window(policy, birth, w)
    current = next_window(policy, birth, missed)
    today = current.start + timedelta(days=late_days)
    assume(today <= current.end)
    since = suspension_month(policy, birth, today, certifications=[last])
    assert since == missed.last_month.next() == current.first_month
    r = resumption(policy, birth, since, today)
    assert r.back_pay_months[0] == current.first_month
    assert r.resume_month == YearMonth.of(today).next()
    after = evaluate(policy, birth, [last, today], today)
    assert after.state is CycleState.CERTIFIED


# --- local dates / overseas residents --------------------------------------------------------------------


def test_new_york_last_evening_counts_for_the_closing_window() -> None:
    # 2027-02-28 23:30 in New York (EST, UTC-5) = 2027-03-01 04:30 UTC = 2027-03-01 12:30 in Beijing
    instant = datetime(2027, 3, 1, 4, 30, tzinfo=UTC)
    assert local_date(instant) == date(2027, 3, 1)
    cert = local_date(instant, "America/New_York")
    assert cert == date(2027, 2, 28)
    s = evaluate(ANNUAL, BIRTH, [cert], cert)  # window 2026-03 .. 2027-02
    assert s.state is CycleState.CERTIFIED and s.valid_until == date(2027, 2, 28)
    # next day, in the next window: due (the closing window was certified), not overdue
    assert evaluate(ANNUAL, BIRTH, [cert], date(2027, 3, 1)).state is CycleState.DUE


def test_auckland_just_after_midnight_is_already_the_next_window() -> None:
    # 2027-03-01 00:30 in Auckland (NZDT, UTC+13) = 2027-02-28 11:30 UTC, still 28 Feb in Beijing
    instant = datetime(2027, 2, 28, 11, 30, tzinfo=UTC)
    assert local_date(instant) == date(2027, 2, 28)
    cert = local_date(instant, "Pacific/Auckland")
    assert cert == date(2027, 3, 1)
    assert evaluate(ANNUAL, BIRTH, [cert], date(2027, 3, 1)).window.start == date(2027, 3, 1)


def test_local_date_defaults_and_errors() -> None:
    assert local_date(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == date(2027, 1, 1)  # Beijing is UTC+8
    assert local_date(datetime(2026, 12, 31, 15, 59, 59)) == date(2026, 12, 31)  # naive = UTC
    # daylight saving: New York is UTC-4 in July
    assert local_date(datetime(2026, 7, 1, 3, 30, tzinfo=UTC), "America/New_York") == date(2026, 6, 30)
    assert local_date(datetime(2026, 7, 1, 4, 30, tzinfo=UTC), "America/New_York") == date(2026, 7, 1)
    with pytest.raises(ValueError, match="unknown time zone"):
        local_date(datetime(2026, 1, 1, tzinfo=UTC), "Mars/Olympus_Mons")
    with pytest.raises(TypeError):
        local_date(date(2026, 1, 1), "Asia/Shanghai")  # type: ignore[arg-type]


def test_the_agency_day_turns_at_16_utc() -> None:
    # a machine on UTC is still on 30 November when Beijing's 1 December has begun
    assert agency_today(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert agency_today(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert day_starts_at(date(2026, 12, 1)) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert day_starts_at(date(2026, 7, 1), "America/New_York") == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert agency_today(day_starts_at(date(2027, 1, 1))) == date(2027, 1, 1)


def test_window_closed_everywhere() -> None:
    w = Window(date(2026, 3, 1), date(2027, 2, 28))
    # UTC-12 leaves 28 Feb at 2027-03-01 12:00 UTC
    assert w.closed_everywhere_at() == datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


instants = st.datetimes(
    min_value=datetime(2015, 1, 1), max_value=datetime(2045, 12, 31), timezones=st.just(UTC)
)


@given(instants, zones)
def test_local_date_is_within_a_day_of_the_utc_date(instant: datetime, zone: str) -> None:
    d = local_date(instant, zone)
    assert abs((d - instant.date()).days) <= 1
    assert instant < Window(YearMonth.of(d).first_day(), YearMonth.of(d).last_day()).closed_everywhere_at()


@given(policies, births, instants, zones)
def test_overseas_certification_counts_for_the_window_of_its_local_date(
    policy: CyclePolicy, birth: date, instant: datetime, zone: str
) -> None:
    cert = local_date(instant, zone)
    beijing = local_date(instant)
    w = window_for(policy, birth, cert)
    s = evaluate(policy, birth, [cert], cert)
    assert s.state is CycleState.CERTIFIED and s.valid_until == w.end
    # Beijing's date may sit in another window (New York evening on a window's last day); the local one wins
    if not w.contains(beijing):
        assert abs((beijing - cert).days) == 1
        assert cert in (w.start, w.end)


def test_local_time_shows_an_event_on_the_agencys_clock() -> None:
    # 17:30 UTC on 30 November is 01:30 on 1 December in Beijing: a staff screen shows the 1st
    shown = local_time(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    assert shown.strftime("%Y-%m-%d %H:%M") == "2026-12-01 01:30"
    assert local_time(datetime(2026, 11, 30, 17, 30)) == shown  # naive = UTC, as the database stores
    assert local_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "America/New_York").hour == 8
