"""Validate one roster row into a typed :class:`RosterRow`, or say exactly what is wrong with it.

Columns (header names, case-insensitive; order free):

==================  ========  ==============================================================
column              required  meaning
==================  ========  ==============================================================
id_number           yes       18-character resident ID (GB 11643 check digit; birth date and
                              sex are taken from it)
name                yes       name as on the ID card
region_code         yes       code of the person's current region (must exist in `regions`)
benefit_type        yes       enterprise_pension | institution_pension | resident_pension |
                              work_injury | survivor | unemployment
monthly_amount      yes       yuan per month, at most 2 decimals, > 0 and ≤ 100000
phone               no        mainland mobile (11 digits), landline (0xx-xxxxxxx) or +country…
residence_kind      no        domestic (default) | overseas
country             overseas  ISO 3166 two-letter code of the country of residence (not CN)
time_zone           no        IANA zone (default Asia/Shanghai; required for overseas residents)
payment_state       no        active (default) | suspended
suspended_since     suspended YYYY-MM month the suspension started
entitled_since      no        YYYY-MM-DD the benefit began (default: the import date; windows
                              before it are never required)
ends_after          unemploy- YYYY-MM the last month of the benefit period: required for
                    ment      unemployment benefit (paid for a limited number of months,
                              004_435b6c8e4ae08301.txt), refused for the other types
severely_disabled   no        yes | no (default no): severe disability (visited at home)
bedridden           no        yes | no (default no)
lives_alone         no        yes | no (default no)
==================  ========  ==============================================================

Yes/no columns also take 1/0, true/false, y/n, 是/否 (an Excel TRUE/FALSE cell too); empty means no.

A person with several entitlements has one row per benefit type (same ID number and name).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import mul

from shared.enums import BenefitType, PaymentState, ResidenceKind
from shared.idnumber import IdNumberError, parse_id_number
from shared.months import YearMonth

FLAG_COLUMNS = ("severely_disabled", "bedridden", "lives_alone")  # special groups (visited at home)
REQUIRED_COLUMNS = ("id_number", "name", "region_code", "benefit_type", "monthly_amount")
OPTIONAL_COLUMNS = (
    "phone",
    "residence_kind",
    "country",
    "time_zone",
    "payment_state",
    "suspended_since",
    "entitled_since",
    "ends_after",
    *FLAG_COLUMNS,
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

MAX_MONTHLY_CENTS = 100_000 * 100  # 100,000 yuan a month: anything above is a typo
DEFAULT_TIME_ZONE = "Asia/Shanghai"
MAX_NAME_LENGTH = 100

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_INTERNATIONAL = re.compile(r"^\+\d{6,15}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_BENEFITS = ", ".join(b.value for b in BenefitType)
_BENEFIT_BY_VALUE = {b.value: b for b in BenefitType}
_EXCEL_NUMBER = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")
_PLAIN_AMOUNT = re.compile(r"(\d{1,9})(?:\.(\d{1,2}))?")
_BAD_NAME_CHAR = re.compile(r"[\d\x00-\x1f\x7f-\x9f]")
_PLAIN_ID = re.compile(r"\d{17}[\dX]")
# GB 11643 weights and check characters, as in shared.idnumber (a test compares both on random input).
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_ID_ZERO_SUM = 48 * sum(_ID_WEIGHTS)
_EARLIEST_BIRTH = date(1900, 1, 1)
_YES = frozenset({"1", "yes", "y", "true", "是", "√", "✓", "x"})
_NO = frozenset({"", "0", "no", "n", "false", "否"})


def _fast_id(text: str, today: date) -> tuple[str, date, str] | None:
    """(number, birth date, sex) for the common case of a clean, valid 18-character number; None means
    "let shared.idnumber.parse_id_number decide" (it normalises and explains every problem)."""
    if len(text) != 18 or not _PLAIN_ID.fullmatch(text) or not text.isascii():
        return None
    raw = text.encode("ascii")
    if _ID_CHECK[(sum(map(mul, raw[:17], _ID_WEIGHTS)) - _ID_ZERO_SUM) % 11] != text[17]:
        return None
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    if not _EARLIEST_BIRTH <= birth <= today:
        return None
    return text, birth, "male" if raw[16] % 2 == 1 else "female"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # spreadsheet row (header = 1); 0 for problems not tied to a row (photos, header)
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    row: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str | None
    region_code: str
    residence_kind: ResidenceKind
    country: str | None
    time_zone: str
    benefit_type: BenefitType
    monthly_cents: int
    payment_state: PaymentState
    suspended_since: str | None
    entitled_since: date | None
    severely_disabled: bool = False
    bedridden: bool = False
    lives_alone: bool = False
    ends_after: str | None = None  # YYYY-MM, unemployment benefit only

    @property
    def flags(self) -> tuple[bool, bool, bool]:
        return (self.severely_disabled, self.bedridden, self.lives_alone)


def header_errors(header: tuple[str, ...]) -> list[RowError]:
    errors = [
        RowError(1, col, "", f"the column '{col}' is missing from the first row")
        for col in REQUIRED_COLUMNS
        if col not in header
    ]
    seen: set[str] = set()
    for col in header:
        if col in seen and col:
            errors.append(RowError(1, col, col, f"the column '{col}' appears twice"))
        seen.add(col)
    unknown = [c for c in header if c and c not in ALL_COLUMNS]
    errors.extend(
        RowError(1, col, col, f"unknown column '{col}'; columns are: {', '.join(ALL_COLUMNS)}")
        for col in unknown
    )
    return errors


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _clean(text: str | None) -> str:
    return (text or "").strip()


def clean_name(text: str) -> str:
    """NFC, outer whitespace removed and inner runs of whitespace collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def parse_amount_cents(text: str) -> int:
    """ "3,125.50" → 312550. Raises ValueError with a message for the clerk."""
    raw = text.replace(",", "").replace("，", "").strip()
    if raw.startswith(("¥", "￥")):
        raw = raw[1:].strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError("the monthly amount must be a number of yuan, e.g. 3125.50") from None
    if not amount.is_finite():
        raise ValueError("the monthly amount must be a number of yuan, e.g. 3125.50")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("the monthly amount has more than 2 decimals")
    value = int(cents)
    if value <= 0:
        raise ValueError("the monthly amount must be more than 0")
    if value > MAX_MONTHLY_CENTS:
        raise ValueError(f"the monthly amount is above {MAX_MONTHLY_CENTS // 100} yuan: check for a typo")
    return value


def normalise_phone(text: str) -> str:
    """Spaces, hyphens and brackets removed (a leading + and a landline's area-code hyphen kept)."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = re.sub(r"[\s()]", "", t)
    if _LANDLINE.match(t):
        return t
    return t.replace("-", "")


def validate_row(
    rownum: int, values: dict[str, str], *, regions: frozenset[str] | set[str], today: date
) -> RosterRow | list[RowError]:
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(rownum, column, _clean(values.get(column))[:200], message))

    # id_number
    id_text = _clean(values.get("id_number"))
    info = _fast_id(id_text, today)
    if info is not None:
        pass
    elif not id_text:
        err("id_number", "the ID number is empty")
    elif _EXCEL_NUMBER.fullmatch(id_text):
        err("id_number", "the ID number was stored as a number and lost digits: format the column as text")
    else:
        try:
            parsed = parse_id_number(id_text, today=today)
            info = (parsed.number, parsed.birth_date, parsed.sex)
        except IdNumberError as exc:
            err("id_number", exc.message)

    # name
    name = clean_name(values.get("name") or "")
    if not name:
        err("name", "the name is empty")
    elif len(name) > MAX_NAME_LENGTH:
        err("name", f"the name is longer than {MAX_NAME_LENGTH} characters")
    elif _BAD_NAME_CHAR.search(name) or any(
        unicodedata.category(ch) == "Cf" for ch in name if ord(ch) > 0x2000
    ):
        err("name", "the name contains digits or control characters")

    # region
    region = _clean(values.get("region_code"))
    if not region:
        err("region_code", "the region code is empty")
    elif region not in regions:
        err("region_code", "unknown region code: it is not in the region list")

    # benefit type
    benefit_text = _clean(values.get("benefit_type")).lower()
    benefit = _BENEFIT_BY_VALUE.get(benefit_text)
    if benefit is None:
        err("benefit_type", f"unknown benefit type; use one of: {_BENEFITS}")

    # amount
    amount_text = _clean(values.get("monthly_amount"))
    m = _PLAIN_AMOUNT.fullmatch(amount_text)
    cents = int(m[1]) * 100 + int((m[2] or "").ljust(2, "0")) if m else 0
    if not 0 < cents <= MAX_MONTHLY_CENTS:
        try:
            cents = parse_amount_cents(amount_text)
        except ValueError as exc:
            err("monthly_amount", str(exc))

    # phone
    phone_text = _clean(values.get("phone"))
    phone = None
    if phone_text and _MOBILE.match(phone_text):
        phone = phone_text
    elif phone_text:
        phone = normalise_phone(phone_text)
        if not (_MOBILE.match(phone) or _LANDLINE.match(phone) or _INTERNATIONAL.match(phone)):
            err(
                "phone",
                "not a phone number: use 11 digits for a mobile, 0xx-xxxxxxxx for a landline or +country…",
            )

    # residence
    residence_text = _clean(values.get("residence_kind")).lower() or ResidenceKind.DOMESTIC.value
    residence = ResidenceKind.DOMESTIC
    try:
        residence = ResidenceKind(residence_text)
    except ValueError:
        err("residence_kind", "residence must be 'domestic' or 'overseas'")
    country = _clean(values.get("country")).upper() or None
    tz = _clean(values.get("time_zone")) or None
    if residence is ResidenceKind.OVERSEAS:
        if country is None:
            err("country", "an overseas resident needs the country code (two letters, e.g. US)")
        elif not _COUNTRY.match(country) or country == "CN":
            err("country", "the country must be a two-letter code other than CN, e.g. US, CA, AU")
        if tz is None:
            err("time_zone", "an overseas resident needs a time zone, e.g. America/New_York")
    elif country not in (None, "CN"):
        err("country", "a country is only given for overseas residents (set residence_kind to overseas)")
    if tz is not None and tz not in _zones():
        err("time_zone", "unknown time zone: use an IANA name such as Asia/Shanghai or Europe/London")

    # payment state
    state_text = _clean(values.get("payment_state")).lower() or PaymentState.ACTIVE.value
    state = PaymentState.ACTIVE
    if state_text not in (PaymentState.ACTIVE.value, PaymentState.SUSPENDED.value):
        err("payment_state", "the payment state must be 'active' or 'suspended'")
    else:
        state = PaymentState(state_text)
    since_text = _clean(values.get("suspended_since"))
    since = None
    if state is PaymentState.SUSPENDED:
        if not since_text:
            err("suspended_since", "a suspended entitlement needs the month it was suspended (YYYY-MM)")
        else:
            try:
                ym = YearMonth.parse(since_text)
                if ym > YearMonth.of(today):
                    err("suspended_since", "the suspension month is in the future")
                else:
                    since = str(ym)
            except (ValueError, TypeError):
                err("suspended_since", "the suspension month must be written YYYY-MM, e.g. 2026-03")
    elif since_text:
        err("suspended_since", "a suspension month is only given when payment_state is 'suspended'")

    # entitled since
    entitled_text = _clean(values.get("entitled_since"))
    entitled = None
    if entitled_text:
        try:
            entitled = date.fromisoformat(entitled_text)
        except ValueError:
            err("entitled_since", "the start date must be written YYYY-MM-DD, e.g. 2015-07-01")
        else:
            if entitled > today:
                err("entitled_since", "the start date is in the future")
            elif info is not None and entitled < info[1]:
                err("entitled_since", "the start date is before the birth date in the ID number")

    # benefit period (unemployment benefit only)
    ends_text = _clean(values.get("ends_after"))
    ends = None
    if benefit is BenefitType.UNEMPLOYMENT:
        if not ends_text:
            err(
                "ends_after",
                "unemployment benefit is paid for a limited period: give its last month (YYYY-MM)",
            )
        else:
            try:
                ends_month = YearMonth.parse(ends_text)
            except (ValueError, TypeError):
                err("ends_after", "the last month must be written YYYY-MM, e.g. 2027-06")
            else:
                if entitled is not None and ends_month < YearMonth.of(entitled):
                    err("ends_after", "the last month is before the month the benefit began")
                else:
                    ends = str(ends_month)
    elif ends_text:
        err("ends_after", "a last month (ends_after) is only given for unemployment benefit")

    # special groups
    flags: dict[str, bool] = {}
    for column in FLAG_COLUMNS:
        text = _clean(values.get(column)).lower()
        if text in _YES:
            flags[column] = True
        elif text in _NO:
            flags[column] = False
        else:
            err(column, "write yes or no (also 1/0 or 是/否); leave empty for no")

    if errors or info is None or benefit is None:
        return errors
    return RosterRow(
        row=rownum,
        id_number=info[0],
        name=name,
        sex=info[2],
        birth_date=info[1],
        phone=phone,
        region_code=region,
        residence_kind=residence,
        country=country if residence is ResidenceKind.OVERSEAS else None,
        time_zone=tz or DEFAULT_TIME_ZONE,
        benefit_type=benefit,
        monthly_cents=cents,
        payment_state=state,
        suspended_since=since,
        entitled_since=entitled,
        ends_after=ends,
        **flags,
    )
