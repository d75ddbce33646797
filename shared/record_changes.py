"""Changes to a person's record that need a second staff member's approval: which fields, their states,
the bank account's masking, and the wire contract (staff app ↔ api/record_changes).

Every change to a person's name, ID number or bank account, or to one entitlement's monthly amount,
benefit type or payment status, is first a *proposal* with a reason; another staff member approves or
rejects it (policy 004: every change approved and traceable). Values travel as text: amounts in integer
cents, a status as the payment state's value.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from shared.wire import MONTH_PATTERN, Answer, Request

BANK_ACCOUNT_RE = re.compile(r"^[0-9]{8,30}$")


class ChangeField(StrEnum):
    NAME = "name"
    ID_NUMBER = "id_number"
    BANK_ACCOUNT = "bank_account"
    MONTHLY_AMOUNT = "monthly_amount"  # of one entitlement, integer cents
    BENEFIT_TYPE = "benefit_type"  # of one entitlement
    STATUS = "status"  # one entitlement's payment state: active | suspended | stopped

    @property
    def of_entitlement(self) -> bool:
        return self in ENTITLEMENT_FIELDS


ENTITLEMENT_FIELDS = frozenset({ChangeField.MONTHLY_AMOUNT, ChangeField.BENEFIT_TYPE, ChangeField.STATUS})


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def normalise_account(text: str) -> str:
    """A bank account number as digits only (spaces and dashes a clerk types are dropped)."""
    return re.sub(r"[\s\-]", "", text)


def mask_account(number: str | None) -> str | None:
    """The last four digits only: ``6222 0210 0112 3456`` → ``************3456``."""
    if not number:
        return number
    return "*" * max(len(number) - 4, 0) + number[-4:]


# --- the wire ------------------------------------------------------------------------------------------


class RecordChangeCreate(Request):
    """A proposal: the person, the field (and the entitlement for an entitlement's field), the new value,
    why, and where the evidence is (a document number, a file reference)."""

    person_id: int = Field(ge=1)
    field: ChangeField
    entitlement_id: int | None = Field(default=None, ge=1)
    value: str = Field(min_length=1, max_length=100)
    from_month: str | None = Field(default=None, pattern=MONTH_PATTERN, description="a suspension or stop")
    reason: str = Field(min_length=3, max_length=500)
    evidence: str | None = Field(default=None, max_length=500)


class RecordChangeApproval(Request):
    note: str | None = Field(default=None, max_length=500)


class RecordChangeRejection(Request):
    reason: str = Field(min_length=3, max_length=500)


class RecordChangePublic(Answer):
    """A proposal as staff see it; a bank account is masked except for a staff member who may approve."""

    id: int
    person_id: int
    person_name: str
    id_number: str
    field: ChangeField
    entitlement_id: int | None = None
    benefit_type: str | None = None  # of the entitlement the change is about
    before: str | None = None
    after: str
    from_month: str | None = None
    reason: str
    evidence: str | None = None
    status: ChangeStatus
    proposed_by: int
    proposed_by_name: str
    proposed_at: datetime
    decided_by: int | None = None
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    can_decide: bool = False  # the viewer may approve or reject it now


class EntitlementRecord(Answer):
    id: int
    benefit_type: str
    monthly_cents: int
    payment_state: str


class PersonRecordPublic(Answer):
    """A person's changeable record (bank account masked) and every proposal about them, newest first."""

    person_id: int
    name: str
    id_number: str
    bank_account_masked: str | None = None
    entitlements: list[EntitlementRecord]
    changes: list[RecordChangePublic]
