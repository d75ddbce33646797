"""Certification cycle rules: windows, state, suspension, resumption and back pay (pure functions).

Policy statements this module implements (the policy texts; see ../shared/policies/README.md):

* Retirees "prove once per cycle they are alive … or their pension is suspended".
* "annual window from the birthday month to the month before the next birthday (the default); fixed 6-month
  and 3-month cycles; chosen per region and benefit type in a config file the agency edits"
  (:mod:`shared.policy` chooses the :class:`~shared.policy.CyclePolicy`; this module applies it).
* For each person: "the current window (start, end), the state (certified for this window / due / overdue /
  suspended), next due date, the month payment is suspended from, and — for a late certification — the month
  payment resumes and the months of back pay".

The rules, precisely:

1. **Windows** are whole calendar months, inclusive at both ends, and tile time with no gaps or overlaps.

   * ``annual_birthday``: from the 1st of the birthday month to the last day of the month before the next
     birthday month. Born 1950-12-15 → 2026-12-01 … 2027-11-30 (the window crosses the year). Born on
     29 February: the birthday month is February every year, so the window is 1 Feb … 31 Jan.
   * ``fixed_months`` (``months`` = 12, 6 or 3): calendar-aligned blocks, the same for everyone:
     6 → Jan–Jun and Jul–Dec; 3 → Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec; 12 → Jan–Dec.

2. **A certification anywhere in a window certifies that whole window**, whichever day it falls on (first
   day, last day, or in between). Only passed certifications are passed in; the caller filters.

3. **Certification dates are local dates** of the place where the person lives (their registered residence:
   Beijing time at home, the residence time zone overseas). :func:`local_date` converts the stored UTC
   instant. Decision: the person is told "certify by 28 February"; someone in New York who certifies at
   23:30 on 28 February *their* time has met that deadline, although it is already 1 March in Beijing, so
   the certification counts for the window ending 28 February. The rule is symmetric: someone in Auckland
   who certifies at 00:30 on 1 March local time (still 28 February in Beijing) has missed their own
   deadline; the certification counts for the next window. The time zone must come from the registered
   residence, never from the device, so nobody can choose a zone to gain hours. For the same reason,
   ``today`` should be the person's local date too (``local_date(now_utc, residence_tz)``); a batch job that
   uses Beijing's date must not act on a window before it has closed everywhere
   (:meth:`Window.closed_everywhere_at`).

4. **States** (:class:`shared.enums.CycleState`), given ``today``:

   * ``STOPPED`` — payment is stopped (death, end of survivor benefit): nothing is due any more.
   * ``SUSPENDED`` — payment is suspended (the caller's payment state says so; takes precedence over 5–7).
   * ``CERTIFIED`` — the window containing ``today`` is certified.
   * ``DUE`` — the current window is not certified yet, and no earlier window that had to be certified was
     missed.
   * ``OVERDUE`` — the previous window closed uncertified (and payment is not suspended yet): payment is to
     be suspended from **the month after that window closed**, i.e. the first month of the current window.
     If several windows were missed since the last certification, suspension counts from the month after
     the *first* missed window closed.

   A certification in the current window makes the state ``CERTIFIED`` again even after missed windows:
   the person is alive now, and :func:`resumption` works out what to pay.

5. **Dates reported**: ``valid_until`` — the last day of the window the latest certification covers (None
   when there is none). ``next_due`` — the deadline of the next uncertified window: the end of the current
   window when it is not certified, otherwise the end of the first uncertified window after it.
   ``suspend_from`` — the month payment is (OVERDUE/SUSPENDED) or would be (DUE/CERTIFIED) suspended from:
   the month after the closed, uncertified window (``next_due``'s month + 1 for DUE/CERTIFIED); None when
   STOPPED. ``days_left`` = ``next_due - today`` in days (≥ 0). ``remind_from`` = ``next_due`` minus the
   policy's ``remind_days_before``. For STOPPED, dates are computed as if active and must not be shown.

6. **Entitlement start** (optional ``entitled_since``): windows that closed before the entitlement began
   are not required, and the window in which it began is certified by the enrolment itself (identity was
   checked to grant it), so a new pensioner's first deadline is the end of the following window.

7. **Resumption** (:func:`resumption`): a person suspended since month S who certifies on day C gets
   payment again from the month after C, and back pay for every month from S to C's month inclusive
   (``S.months_until(C) + 1`` months; the suspension month itself is one of them). A certification dated
   before the month payment was suspended from cannot resume it (ValueError).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.enums import CycleState, PaymentState
from shared.months import YearMonth
from shared.policy import CyclePolicy

__all__ = [
    "DEFAULT_TZ",
    "CycleStatus",
    "Resumption",
    "Window",
    "YearMonth",
    "evaluate",
    "local_date",
    "next_window",
    "previous_window",
    "resumption",
    "suspension_month",
    "window_for",
]

DEFAULT_TZ = "Asia/Shanghai"
# China has observed no daylight-saving time since 1991: a fixed offset is exact for every date we handle,
# and lets the default work where no time-zone database is installed (phones, slim containers).
_CHINA_FIXED = timezone(timedelta(hours=8), "CST")
# The last time zone to leave a calendar day is UTC-12.
_LATEST_OFFSET = timedelta(hours=12)


@dataclass(frozen=True, order=True, slots=True)
class Window:
    """A certification window: whole months, ``start`` (a 1st) to ``end`` (a last day), both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        _require_date(self.start, "start")
        _require_date(self.end, "end")
        if self.start.day != 1:
            raise ValueError(f"a window starts on the 1st of a month, got {self.start}")
        if self.end != YearMonth.of(self.end).last_day():
            raise ValueError(f"a window ends on the last day of a month, got {self.end}")
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")

    @property
    def first_month(self) -> YearMonth:
        return YearMonth.of(self.start)

    @property
    def last_month(self) -> YearMonth:
        return YearMonth.of(self.end)

    @property
    def months(self) -> tuple[YearMonth, ...]:
        first = self.first_month
        return tuple(first.plus(i) for i in range(first.months_until(self.last_month) + 1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def closed_everywhere_at(self) -> datetime:
        """The UTC instant from which the window's last day is over in every time zone (UTC-12)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC) + _LATEST_OFFSET

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class CycleStatus:
    """Where one entitlement stands on ``today`` (rules in the module docstring)."""

    window: Window  # the window containing today
    state: CycleState
    last_certified: date | None
    valid_until: date | None  # end of the window the latest certification covers
    next_due: date  # deadline of the next uncertified window
    suspend_from: YearMonth | None  # month payment is / would be suspended from; None when stopped
    days_left: int  # next_due - today
    remind_from: date  # next_due - policy.remind_days_before

    def in_reminder_period(self, today: date) -> bool:
        """Whether to remind the person on ``today`` (due or overdue, and the deadline is near)."""
        return (
            self.state in (CycleState.DUE, CycleState.OVERDUE) and self.remind_from <= today <= self.next_due
        )


@dataclass(frozen=True, slots=True)
class Resumption:
    """What a late certification restores: payment from ``resume_month``, back pay for ``back_pay_months``."""

    resume_month: YearMonth
    back_pay_months: tuple[YearMonth, ...]
    window: Window  # the window the certification covers

    def back_pay_cents(self, monthly_cents: int) -> int:
        """Back pay in cents for a monthly amount in cents."""
        if isinstance(monthly_cents, bool) or not isinstance(monthly_cents, int) or monthly_cents < 0:
            raise ValueError(
                f"monthly amount must be a whole, non-negative number of cents, got {monthly_cents!r}"
            )
        return monthly_cents * len(self.back_pay_months)


# --- windows -----------------------------------------------------------------------------------------------


def _anchor_and_length(policy: CyclePolicy, birth_date: date) -> tuple[int, int]:
    """(month number 0..11 windows are aligned to, window length in months)."""
    if policy.kind == "annual_birthday":
        return birth_date.month - 1, 12
    return 0, policy.months


def _window_starting(first: YearMonth, length: int) -> Window:
    return Window(first.first_day(), first.plus(length - 1).last_day())


def _start_index(policy: CyclePolicy, birth_date: date, day: date) -> int:
    anchor, length = _anchor_and_length(policy, birth_date)
    idx = YearMonth.of(day).index
    return idx - (idx - anchor) % length


def window_for(policy: CyclePolicy, birth_date: date, on: date) -> Window:
    """The window containing the day ``on`` for a person born on ``birth_date`` under ``policy``."""
    _require_date(birth_date, "birth_date")
    _require_date(on, "on")
    return _window_starting(YearMonth.from_index(_start_index(policy, birth_date, on)), policy.months)


def next_window(policy: CyclePolicy, birth_date: date, window: Window) -> Window:
    """The window right after ``window``."""
    return window_for(policy, birth_date, window.end + timedelta(days=1))


def previous_window(policy: CyclePolicy, birth_date: date, window: Window) -> Window:
    """The window right before ``window``."""
    return window_for(policy, birth_date, window.start - timedelta(days=1))


# --- state -------------------------------------------------------------------------------------------------


def _first_missed_start(covered: Iterable[int], current_start: int, length: int) -> int | None:
    """Start index of the earliest closed window that had to be certified and was not, or None.

    Only windows after the latest certified window before the current one count; with no certification
    (and no entitlement start) only the previous window is considered: nothing is known further back.
    """
    previous_start = current_start - length
    earlier = [c for c in covered if c < current_start]
    first_required = max(earlier) + length if earlier else previous_start
    return first_required if first_required <= previous_start else None


def evaluate(
    policy: CyclePolicy,
    birth_date: date,
    certifications: Sequence[date],
    today: date,
    *,
    payment_state: PaymentState = PaymentState.ACTIVE,
    suspended_since: YearMonth | None = None,
    entitled_since: date | None = None,
) -> CycleStatus:
    """The cycle status of one entitlement on ``today``.

    ``certifications`` are the local dates (rule 3) of passed certifications, in any order.
    ``suspended_since`` is the entitlement's stored suspension month, reported as ``suspend_from`` when
    ``payment_state`` is SUSPENDED (computed from the history when not given).
    """
    _require_date(birth_date, "birth_date")
    _require_date(today, "today")
    for c in certifications:
        _require_date(c, "certification date")
    if entitled_since is not None:
        _require_date(entitled_since, "entitled_since")
    payment_state = PaymentState(payment_state)

    length = policy.months
    current_start = _start_index(policy, birth_date, today)
    window = _window_starting(YearMonth.from_index(current_start), length)
    covered = {_start_index(policy, birth_date, c) for c in certifications}
    if entitled_since is not None:
        # The enrolment certifies its own window; earlier windows were never required (rule 6).
        covered.add(_start_index(policy, birth_date, entitled_since))
    last_certified = max(certifications, default=None)
    valid_until = (
        None
        if last_certified is None
        else _window_starting(
            YearMonth.from_index(_start_index(policy, birth_date, last_certified)), length
        ).end
    )

    due_start = current_start
    while due_start in covered:
        due_start += length
    next_due = YearMonth.from_index(due_start + length - 1).last_day()
    would_suspend_from = YearMonth.from_index(due_start + length)

    missed = None if current_start in covered else _first_missed_start(covered, current_start, length)
    missed_suspend_from = None if missed is None else YearMonth.from_index(missed + length)

    suspend_from: YearMonth | None
    if payment_state is PaymentState.STOPPED:
        state, suspend_from = CycleState.STOPPED, None
    elif payment_state is PaymentState.SUSPENDED:
        state = CycleState.SUSPENDED
        suspend_from = suspended_since or missed_suspend_from or would_suspend_from
    elif current_start in covered:
        state, suspend_from = CycleState.CERTIFIED, would_suspend_from
    elif missed_suspend_from is not None:
        state, suspend_from = CycleState.OVERDUE, missed_suspend_from
    else:
        state, suspend_from = CycleState.DUE, would_suspend_from

    return CycleStatus(
        window=window,
        state=state,
        last_certified=last_certified,
        valid_until=valid_until,
        next_due=next_due,
        suspend_from=suspend_from,
        days_left=(next_due - today).days,
        remind_from=next_due - timedelta(days=policy.remind_days_before),
    )


def suspension_month(
    policy: CyclePolicy,
    birth_date: date,
    today: date,
    *,
    certifications: Sequence[date] = (),
    entitled_since: date | None = None,
) -> YearMonth | None:
    """For the monthly job: the month from which the person's payment is to be suspended, or None.

    With no certification history given, the person is taken to be uncertified since before the previous
    window: the answer is the month after the previous window closed (= the current window's first month).
    With ``certifications`` it is None when no required window was missed, else the month after the first
    missed window closed (rule 4). The current window is never a reason to suspend: it has not closed.
    """
    status = evaluate(policy, birth_date, certifications, today, entitled_since=entitled_since)
    return status.suspend_from if status.state is CycleState.OVERDUE else None


# --- resumption --------------------------------------------------------------------------------------------


def resumption(
    policy: CyclePolicy, birth_date: date, suspended_since: YearMonth, certified_on: date
) -> Resumption:
    """Payment resumption and back pay after a late certification on ``certified_on`` (rule 7)."""
    _require_date(birth_date, "birth_date")
    _require_date(certified_on, "certified_on")
    if not isinstance(suspended_since, YearMonth):
        raise TypeError("suspended_since must be a YearMonth")
    cert_month = YearMonth.of(certified_on)
    if cert_month < suspended_since:
        raise ValueError(
            f"a certification on {certified_on} cannot resume a payment suspended from {suspended_since}: "
            "it is dated before the suspension"
        )
    if certified_on < birth_date:
        raise ValueError(f"certification date {certified_on} is before the birth date {birth_date}")
    return Resumption(
        resume_month=cert_month.next(),
        back_pay_months=months_through(suspended_since, cert_month),
        window=window_for(policy, birth_date, certified_on),
    )


def months_through(first: YearMonth, last: YearMonth) -> tuple[YearMonth, ...]:
    """``first`` … ``last``, both included (empty when ``last`` is before ``first``): the months a
    resumption in the month after ``last`` pays back for a suspension from ``first``."""
    return tuple(first.plus(i) for i in range(first.months_until(last) + 1))


# --- time zones --------------------------------------------------------------------------------------------


def agency_today(now_utc: datetime | None = None) -> date:
    """Today on the agency's calendar (Beijing), whatever the machine's time zone.

    Deadlines, visit days and the month a run is for are Beijing dates: from 16:00 UTC on, a machine set
    to UTC is still on yesterday. Use this rather than ``date.today()`` in the apps, the API and tests.
    """
    return local_date(now_utc or datetime.now(UTC))


def day_starts_at(day: date, tz_name: str | None = None) -> datetime:
    """The UTC instant at which ``day`` begins in time zone ``tz_name`` (None → Asia/Shanghai): a staff
    member's "from 1 December" starts at 16:00 UTC on 30 November."""
    return datetime.combine(day, time(), tzinfo=_zone(tz_name or DEFAULT_TZ)).astimezone(UTC)


def local_date(instant_utc: datetime, tz_name: str | None = None) -> date:
    """The calendar date at ``instant_utc`` in time zone ``tz_name`` (IANA name; None → Asia/Shanghai).

    A naive datetime is taken to be UTC (what the database stores). Unknown zone names raise ValueError.
    """
    if not isinstance(instant_utc, datetime):
        raise TypeError("instant_utc must be a datetime")
    if instant_utc.tzinfo is None:
        instant_utc = instant_utc.replace(tzinfo=UTC)
    return instant_utc.astimezone(_zone(tz_name or DEFAULT_TZ)).date()


def local_time(instant_utc: datetime, tz_name: str | None = None) -> datetime:
    """``instant_utc`` on the clock of time zone ``tz_name`` (None → Asia/Shanghai), for display: what a
    staff member's screen shows as the time of an event. A naive datetime is taken to be UTC."""
    if instant_utc.tzinfo is None:
        instant_utc = instant_utc.replace(tzinfo=UTC)
    return instant_utc.astimezone(_zone(tz_name or DEFAULT_TZ))


def _zone(name: str) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in (DEFAULT_TZ, "Asia/Chongqing", "Asia/Harbin", "PRC"):
            return _CHINA_FIXED
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'America/New_York'") from None


def _require_date(value: object, what: str) -> None:
    # datetime is a subclass of date: refuse it, a UTC instant must go through local_date() first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a date (use local_date() for a UTC instant), got {value!r}")
