"""The API contract: every request and response body exchanged between app/ and api/.

Pydantic models (pydantic-core is on Flet's list of prebuilt mobile packages). Dates are ISO dates,
months are "YYYY-MM" strings, enumerations travel as their string values (shared.enums).
Every 4xx answer has the :class:`ErrorResponse` shape, so the app can always show ``message``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.enums import BenefitType, CertificationMethod, CycleState, PaymentState, ResidenceKind

__all__ = [
    "EntitlementStatus",
    "ErrorDetail",
    "ErrorResponse",
    "StatusRequest",
    "StatusResponse",
]

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorDetail(_Wire):
    """One problem with one field of a request."""

    field: str  # dotted path, e.g. "id_number" or "body"
    code: str
    message: str


class ErrorResponse(_Wire):
    """The body of every 4xx answer.

    ``error`` is a stable machine code (``validation_error``, ``invalid_id_number``, ``not_found``,
    ``rate_limited``, ``payload_too_large`` …); ``message`` is a sentence for people.
    """

    error: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)
    retry_after_seconds: int | None = None


class StatusRequest(_Wire):
    """Look up one's own certification status: ID number and name as on the ID card."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id_number: str = Field(min_length=1, max_length=40, description="18-character resident ID number")
    name: str = Field(min_length=1, max_length=100, description="name as on the ID card")


class EntitlementStatus(_Wire):
    """Where one entitlement stands in its certification cycle."""

    benefit_type: BenefitType
    payment_state: PaymentState
    state: CycleState
    window_start: date | None = None  # the current certification window (inclusive)
    window_end: date | None = None
    last_certified_on: date | None = None  # local date of the last passed certification
    last_method: CertificationMethod | None = None
    valid_until: date | None = None  # certified status holds until this date
    next_due: date | None = None  # the next date by which to certify
    days_left: int | None = None  # days until next_due (negative when overdue)
    suspend_from: str | None = Field(
        default=None, pattern=MONTH_PATTERN
    )  # month payment stops if uncertified
    suspended_since: str | None = Field(default=None, pattern=MONTH_PATTERN)


class StatusResponse(_Wire):
    """A person's masked identity and the state of each of their entitlements."""

    masked_name: str  # 张*明
    masked_id_number: str  # 1101**********002X
    residence_kind: ResidenceKind
    time_zone: str  # IANA name; dates above are in this zone
    today: date  # the local date the answer was computed for
    entitlements: list[EntitlementStatus]
