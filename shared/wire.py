"""The two kinds of model on the wire and the fields every request naming a person shares — defined once.

* ``Answer``: what the API sends (unknown fields ignored, so an older app survives a newer API).
* ``Request``: what an app sends (unknown fields refused, text stripped, and every value checked at the
  edge: no control characters or lone surrogates in text, integers within a signed 64-bit column, dates
  between 1900-01-01 and 2200-12-31 — see :func:`check_edge_value`).

The same checks are reusable as types for form fields and parameters: ``SafeText``, ``SaneDate``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

# Text may hold tab, line feed and carriage return (notes, addresses); any other C0/C1 control character
# (NUL above all: PostgreSQL cannot store it) or a lone surrogate (not encodable as UTF-8) is refused.
ALLOWED_CONTROLS = frozenset("\t\n\r")
CONTROL_CHARACTERS = "control_characters"
INTEGER_RANGE = "integer_out_of_range"
DATE_RANGE = "date_out_of_range"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
# "YYYY-MM" within the same years as dates (1900-01 … 2200-12)
MONTH_PATTERN = r"^(19\d\d|21\d\d|20\d\d|2200)-(0[1-9]|1[0-2])$"


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a character no field of ours accepts (see ``ALLOWED_CONTROLS``)."""
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in ALLOWED_CONTROLS) or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            return True
    return False


def safe_text(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError(CONTROL_CHARACTERS, "This must not contain control characters.")
    return value


def sane_date(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise PydanticCustomError(
            DATE_RANGE,
            "This date must be between {earliest} and {latest}.",
            {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return value


def bounded_int(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise PydanticCustomError(INTEGER_RANGE, "This number is too large.")
    return value


def check_edge_value(value: Any) -> Any:
    """Refuse what the database or the code behind it cannot take: control characters in text, integers
    beyond 64 bits, dates outside 1900-01-01 … 2200-12-31 — in this value and anything nested in it."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bounded_int(value)
    if isinstance(value, date):
        return sane_date(value)
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_edge_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_edge_value(key)
            check_edge_value(item)
    return value


SafeText = Annotated[str, AfterValidator(safe_text)]
SaneDate = Annotated[date, AfterValidator(sane_date)]

IdNumber = Annotated[str, Field(min_length=1, max_length=40, description="18-character resident ID number")]
PersonName = Annotated[str, Field(min_length=1, max_length=100, description="name as on the ID card")]


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _edge_checks(cls, value: Any) -> Any:
        return check_edge_value(value)
