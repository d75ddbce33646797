"""The back-office API contract (staff console ↔ api/): statistics, monthly runs, feed review list, audit
viewer, spot checks, disclosure lists and institution batch attestations.

Kept beside shared/schemas.py (the citizen-facing contract) so the two can change independently; same
conventions: pydantic, ISO dates, "YYYY-MM" months, enum values on the wire.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from shared.enums import PaymentFailureState, PayrollAction
from shared.wire import MONTH_PATTERN, Answer, Request

HALF_YEAR_PATTERN = r"^(19\d\d|20\d\d|21\d\d|2200)-H[12]$"


# --- statistics --------------------------------------------------------------------------------------


class MethodCount(Answer):
    method: str
    people: int


class RegionCoverage(Answer):
    region_code: str
    region_name: str
    people: int  # people with a payment not stopped
    certified: int  # of them, certified in the period
    electronic: int  # of them, certified electronically
    coverage: float  # certified / people (0..1)


class MonthPoint(Answer):
    month: str
    certified: int  # people certified in the month
    electronic: int
    suspended: int  # entitlements suspended by that month's cycle run


class StatsOverview(Answer):
    as_of: date
    period_from: date
    period_to: date
    people: int
    certified: int
    electronic: int
    electronic_rate: float  # electronic / certified (0..1)
    target_rate: float  # policy target (0.8)
    electronic_methods: list[str]
    overdue: int  # entitlements overdue (window closed uncertified, not yet suspended)
    suspended: int  # entitlements suspended
    stopped: int
    by_method: list[MethodCount]
    by_region: list[RegionCoverage]
    trend: list[MonthPoint]


# --- monthly run -------------------------------------------------------------------------------------


class CycleRunRequest(Request):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


class CycleChange(Answer):
    entitlement_id: int
    masked_id: str
    benefit_type: str
    change: str  # suspended | resumed | stopped (benefit period ended)
    month: str  # suspended from / resumed from / stopped from
    back_pay_months: int = 0
    back_pay_cents: int = 0


class CycleRunResult(Answer):
    run_id: int
    month: str
    checked: int
    suspended: int
    resumed: int
    stopped: int = 0  # limited benefit periods (unemployment benefit) that ended
    reminders: int
    changes: list[CycleChange]


# --- feed review list --------------------------------------------------------------------------------


class FeedMismatchPublic(Answer):
    id: int
    kind: str
    status: str
    row_number: int
    feed_name: str  # the name in the feed (not masked: the reviewer compares it)
    roll_name: str
    id_number_masked: str
    event_date: date
    detail: str
    created_at: datetime


class MismatchDecision(Request):
    apply: bool
    reason: str = Field(min_length=3, max_length=500)


# --- audit viewer ------------------------------------------------------------------------------------


class AuditEventPublic(Answer):
    seq: int
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: Any = None
    after: Any = None
    reason: str | None = None
    created_at: datetime


class AuditPage(Answer):
    events: list[AuditEventPublic]
    chain_ok: bool
    chain_checked: int
    chain_problem: str | None = None


# --- spot checks -------------------------------------------------------------------------------------


class SpotCheckCreate(Request):
    half_year: str = Field(pattern=HALF_YEAR_PATTERN, description="e.g. 2026-H1")
    region_code: str = Field(min_length=2, max_length=12, description="the county (or city) to sample in")
    townships: int = Field(default=2, ge=2, le=50)
    villages_per_township: int = Field(default=2, ge=2, le=50)
    per_village: int = Field(default=5, ge=1, le=200)


class SpotItemPublic(Answer):
    id: int
    village_code: str
    certification_id: int
    holder_name: str  # masked
    holder_id: str  # masked
    method: str
    certified_on: date
    outcome: str | None = None
    note: str | None = None


class SpotCheckPublic(Answer):
    id: int
    half_year: str
    region_code: str
    seed: str
    townships: list[str]
    villages: list[str]
    items: list[SpotItemPublic]


class SpotOutcomeCreate(Request):
    outcome: str = Field(pattern=r"^(confirmed|not_confirmed|unreachable)$")
    note: str | None = Field(default=None, max_length=500)


# --- institutions ------------------------------------------------------------------------------------


class RetireePublic(Answer):
    beneficiary_id: int
    holder_name: str  # masked
    holder_id: str  # masked
    state: str  # cycle state of the first entitlement
    next_due: date


class BatchAttestationCreate(Request):
    beneficiary_ids: list[int] = Field(min_length=1, max_length=5000)
    statement: str = Field(min_length=10, max_length=500)


class BatchAttestationPublic(Answer):
    id: int
    institution_id: int
    institution_name: str
    people: int
    statement: str
    status: str
    created_at: datetime
    decided_at: datetime | None = None
    decision_reason: str | None = None
    certified: int = 0


class BatchDecision(Request):
    approve: bool
    reason: str = Field(min_length=3, max_length=500)


# --- detention release -------------------------------------------------------------------------------


class DetentionRelease(Request):
    """A reviewer lifts a detention suspension (release record seen): payment from the month after."""

    released_on: date
    reason: str = Field(min_length=3, max_length=500)


class DetentionReleased(Answer):
    entitlement_id: int
    resume_month: str


# --- recovery of overpayments (追缴) -------------------------------------------------------------------
# States and allowed steps: shared/recovery.py.

RECOVERY_STATE_PATTERN = r"^(open|notified|agreed|refused|credit_listed|court_referred|repaid)$"


class RecoveryCaseSummary(Answer):
    id: int
    holder_name: str  # masked
    holder_id: str  # masked
    region_code: str
    death_date: date
    first_month: str
    last_month: str
    months: int
    amount_cents: int
    repaid_cents: int
    outstanding_cents: int
    state: str
    agreement: str | None = None
    credit_listed: bool
    created_at: datetime


class RecoveryStepPublic(Answer):
    id: int
    from_state: str
    to_state: str
    on: date
    staff_id: int | None = None
    staff_name: str | None = None
    note: str
    documents: list[str] = Field(default_factory=list)
    created_at: datetime


class RecoveryRepaymentPublic(Answer):
    id: int
    on: date
    amount_cents: int
    kind: str
    staff_id: int | None = None
    staff_name: str | None = None
    note: str | None = None
    created_at: datetime


class RecoveryCaseDetail(RecoveryCaseSummary):
    next_steps: list[str]  # the states this case may be moved to now
    takes_repayments: bool
    steps: list[RecoveryStepPublic]
    repayments: list[RecoveryRepaymentPublic]


class RecoveryStepCreate(Request):
    to: str = Field(pattern=RECOVERY_STATE_PATTERN, description="the state to move the case to")
    on: date | None = Field(default=None, description="the day it happened (default: today)")
    note: str = Field(min_length=3, max_length=500)
    documents: list[str] = Field(default_factory=list, max_length=10)
    agreement: str | None = Field(
        default=None, pattern=r"^(instalments|deduction)$", description="how they agreed to repay (agreed)"
    )

    @field_validator("documents")
    @classmethod
    def _short_references(cls, value: list[str]) -> list[str]:
        for ref in value:
            if not 1 <= len(ref.strip()) <= 200:
                raise PydanticCustomError("document_reference", "A document reference is 1–200 characters.")
        return [ref.strip() for ref in value]


class RecoveryRepaymentCreate(Request):
    amount_cents: int = Field(gt=0, description="integer cents, at most what is still owed")
    kind: str = Field(pattern=r"^(payment|instalment|deduction)$")
    on: date | None = Field(default=None, description="the day the money came back (default: today)")
    note: str | None = Field(default=None, max_length=500)


class PayrollReturnResult(Answer):
    """What importing a bank's return file did: ``new_failures`` is 0 when the file was imported before."""

    month: str
    lines: int
    paid: int
    failed: int
    new_failures: int


class PaymentFailurePublic(Answer):
    id: int
    ref: int
    month: str
    entitlement_id: int
    masked_id: str
    action: PayrollAction
    amount_cents: int
    reason_code: str
    state: PaymentFailureState
    created_at: datetime


class PaymentFailureResolve(Request):
    reason: str = Field(min_length=2, max_length=500)
