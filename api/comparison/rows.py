"""Feed files: the columns each kind needs, and one typed row per CSV line (or a row-level error).

Columns (header names, case-insensitive; extra columns are ignored):

* death:         id_number, name, death_date, source (death | cremation), [heir_name], [heir_phone]
* sign_of_life:  id_number, name, event_date, source (hospital | medical_insurance | office_visit | other)
* detention:     id_number, name, start_date, [source]
* survivor_end:  id_number, name, event_date, reason (age_18 | employed | enlisted | adopted | remarried)
* reemployment, business_registration, emigration, pension_start (stop unemployment benefit):
                 id_number, name, event_date, [source]

Dates are YYYY-MM-DD. The row number is the one a clerk sees in a spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, NamedTuple

from api.comparison.models import FeedKind
from shared.cycle import agency_today
from shared.idnumber import normalise_id_number, parse_id_number

# The comparisons that end unemployment benefit (004_435b6c8e4ae08301.txt, part 4), with the source named
# in a row's optional ``source`` column when it is empty.
UNEMPLOYMENT_ENDS: dict[FeedKind, str] = {
    FeedKind.REEMPLOYMENT: "employment_registration",
    FeedKind.BUSINESS_REGISTRATION: "business_registry",
    FeedKind.EMIGRATION: "public_security",
    FeedKind.PENSION_START: "pension_roll",
}
REQUIRED: dict[FeedKind, tuple[str, ...]] = {
    FeedKind.DEATH: ("id_number", "name", "death_date", "source"),
    FeedKind.SIGN_OF_LIFE: ("id_number", "name", "event_date", "source"),
    FeedKind.DETENTION: ("id_number", "name", "start_date"),
    FeedKind.SURVIVOR_END: ("id_number", "name", "event_date", "reason"),
    **dict.fromkeys(UNEMPLOYMENT_ENDS, ("id_number", "name", "event_date")),
}
DATE_COLUMN = {
    FeedKind.DEATH: "death_date",
    FeedKind.SIGN_OF_LIFE: "event_date",
    FeedKind.DETENTION: "start_date",
    FeedKind.SURVIVOR_END: "event_date",
    **dict.fromkeys(UNEMPLOYMENT_ENDS, "event_date"),
}


class AllowedDetail(NamedTuple):
    """The detail column a feed kind needs: its name, what it describes (for messages), its values."""

    column: str
    what: str
    values: frozenset[str]


ALLOWED: dict[FeedKind, AllowedDetail] = {
    FeedKind.DEATH: AllowedDetail("source", "death or cremation record", frozenset({"death", "cremation"})),
    FeedKind.SIGN_OF_LIFE: AllowedDetail(
        "source",
        "sign of life",
        frozenset({"hospital", "medical_insurance", "office_visit", "other"}),
    ),
    FeedKind.SURVIVOR_END: AllowedDetail(
        "reason",
        "survivor-benefit end",
        frozenset({"age_18", "employed", "enlisted", "adopted", "remarried"}),
    ),
}


class FeedFileError(ValueError):
    """The file as a whole cannot be used (missing, not UTF-8, required columns missing)."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    row_number: int
    id_number: str
    name: str
    event_date: date  # death date, sign-of-life date, detention start, survivor-end or unemployment-end event
    detail: str  # source or reason
    heir_name: str | None = None
    heir_phone: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["event_date"] = self.event_date.isoformat()
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FeedRow:
        return cls(**{**d, "event_date": date.fromisoformat(d["event_date"])})


@dataclass(frozen=True, slots=True)
class RowError:
    row_number: int
    id_number: str
    message: str
    code: str = "not_applicable"  # a stable reason code for machine clients (see docs/feed-api.md)


def normalise_name(name: str) -> str:
    """For the name check: NFC, no spaces, one kind of middle dot (阿依古丽·买买提)."""
    text = unicodedata.normalize("NFKC", name)
    for dot in "•・．.":
        text = text.replace(dot, "·")
    return "".join(text.split()).casefold()


def count_rows(path: Path) -> int:
    with path.open("rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return max(0, lines - 1)


def read_feed(path: Path, kind: FeedKind) -> Iterator[FeedRow | RowError]:
    """Every data row as a FeedRow or a RowError; FeedFileError when the file cannot be used at all."""
    if not path.is_file():
        raise FeedFileError(f"{path}: no such file")
    f = path.open(encoding="utf-8-sig", newline="")
    try:
        rows = read_feed_lines(f, kind, path.name)
        first = next(rows, None)
    except BaseException:
        f.close()
        raise
    return _closing(f, first, rows)


def _closing(f: IO[str], first: FeedRow | RowError | None, rest: Iterator[FeedRow | RowError]):
    with f:
        if first is not None:
            yield first
            yield from rest


def read_feed_lines(lines: Iterable[str], kind: FeedKind, name: str) -> Iterator[FeedRow | RowError]:
    """:func:`read_feed` over CSV text already open (``name`` for messages). The header is checked when the
    first row is asked for (FeedFileError)."""
    try:
        reader = csv.reader(lines)
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    except UnicodeDecodeError:
        raise FeedFileError(f"{name}: not UTF-8 text; save the file as 'CSV UTF-8'") from None
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise FeedFileError(
            f"{name}: a {kind.value} feed needs the columns {', '.join(REQUIRED[kind])}; "
            f"missing: {', '.join(missing)}"
        )
    index = {column: i for i, column in enumerate(header)}
    today = agency_today()
    try:
        for line_no, values in enumerate(reader, start=2):
            if not values or not "".join(values).strip():
                continue
            yield _row(kind, line_no, values, index, today)
    except UnicodeDecodeError:
        raise FeedFileError(f"{name}: not UTF-8 text; save the file as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise FeedFileError(f"{name}: not a readable CSV file ({exc})") from None


_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]")


def id_problem(id_number: str, today: date | None = None) -> str | None:
    """Why ``id_number`` is not a valid ID number (None when it is) — for rows not found on the roll."""
    try:
        parse_id_number(id_number, today=today)
    except ValueError as exc:
        return f"ID number: {exc}"
    return None


def _get(values: list[str], index: dict[str, int], column: str) -> str:
    i = index.get(column)
    return values[i].strip() if i is not None and i < len(values) else ""


def _row(
    kind: FeedKind, line_no: int, values: list[str], index: dict[str, int], today: date
) -> FeedRow | RowError:
    raw_id = _get(values, index, "id_number")
    id_number = raw_id if _PLAIN_ID.fullmatch(raw_id) else normalise_id_number(raw_id)
    if not id_number:
        return RowError(line_no, raw_id, "ID number: empty", "id_number_missing")
    # The full check (check digit, birth date) runs only for numbers not on the roll (see id_problem):
    # every number on the roll was validated when it was enrolled.
    name = _get(values, index, "name")
    if not name:
        return RowError(line_no, id_number, "name is empty", "name_missing")
    date_col = DATE_COLUMN[kind]
    text = _get(values, index, date_col)
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return RowError(
            line_no, id_number, f"{date_col} must be a date written YYYY-MM-DD, got {text!r}", "bad_date"
        )
    detail = ""
    if kind in ALLOWED:
        column, what, allowed = ALLOWED[kind]
        detail = _get(values, index, column).lower()
        if detail not in allowed:
            return RowError(
                line_no,
                id_number,
                f"{column} of a {what} must be one of {', '.join(sorted(allowed))}, got {detail!r}",
                "bad_detail",
            )
    elif kind in UNEMPLOYMENT_ENDS:
        detail = _get(values, index, "source").lower()[:64] or UNEMPLOYMENT_ENDS[kind]
    else:
        detail = _get(values, index, "source").lower() or "detention"
    return FeedRow(
        row_number=line_no,
        id_number=id_number,
        name=name,
        event_date=when,
        detail=detail,
        heir_name=_get(values, index, "heir_name") or None,
        heir_phone=_get(values, index, "heir_phone") or None,
    )
