"""Tip-offs and cases (举报与核查案件): the public tip-off form and lookup, and the staff case file.

A case comes from a public tip-off, a phone tip-off a clerk enters, a spot-check item that failed, or a
data-comparison conflict. It moves open → assigned → investigating → closed and is closed with one outcome.
The public lookup answers only the state and the outcome category — never a name or an ID number.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from shared.wire import Answer, Request, SafeText, SaneDate

DESCRIPTION_MAX = 1000
NOTE_MAX = 1000
LOOKUP_CODE_LENGTH = 8
# Letters and digits nobody mixes up when reading aloud (no 0/O, 1/I/L).
LOOKUP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class CaseSource(StrEnum):
    PUBLIC_TIPOFF = "public_tipoff"
    PHONE_TIPOFF = "phone_tipoff"
    SPOT_CHECK = "spot_check"
    DATA_CONFLICT = "data_conflict"


class CaseState(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


class CaseOutcome(StrEnum):
    UNFOUNDED = "unfounded"
    CONFIRMED_ALIVE = "confirmed_alive"
    CONFIRMED_DECEASED = "confirmed_deceased"  # payment stopped; overpaid months → a recovery case
    OTHER = "other"


class CaseEntryKind(StrEnum):
    NOTE = "note"
    EVIDENCE = "evidence"
    VISIT = "visit"  # a link to a home-visit record
    ASSIGNED = "assigned"
    PERSON = "person"  # the person concerned was linked
    CLOSED = "closed"


# --- public ------------------------------------------------------------------------------------------

_ID_PATTERN = r"^[0-9]{17}[0-9Xx]$"
_PHONE_PATTERN = r"^[0-9+\- ]{5,20}$"
_CODE_PATTERN = r"^[2-9A-HJKMNP-Za-hjkmnp-z]{8}$"


class TipoffCreate(Request):
    """What a member of the public reports: who (name, ID number when known, region when known) and what."""

    subject_name: SafeText = Field(min_length=1, max_length=50)
    subject_id_number: str | None = Field(default=None, pattern=_ID_PATTERN)
    region_code: str | None = Field(default=None, pattern=r"^[0-9]{6,12}$")
    description: SafeText = Field(min_length=10, max_length=DESCRIPTION_MAX)
    contact_phone: str | None = Field(default=None, pattern=_PHONE_PATTERN)


class TipoffReceipt(Answer):
    """The reference (not secret, eight digits) and the lookup code (secret, shown once)."""

    reference: str
    lookup_code: str


class TipoffLookup(Request):
    reference: str = Field(pattern=r"^[1-9][0-9]{7}$")
    lookup_code: str = Field(pattern=_CODE_PATTERN)


class TipoffStatus(Answer):
    """Only what a reporter may know: where the case stands and, once closed, the outcome category."""

    reference: str
    state: str
    outcome: str | None = None


# --- staff -------------------------------------------------------------------------------------------


class PhoneTipoffCreate(TipoffCreate):
    """A tip-off taken on the phone by a clerk (same fields as the public form)."""


class CaseEntryPublic(Answer):
    id: int
    kind: str
    text: str | None = None
    evidence_id: int | None = None
    visit_record_id: int | None = None
    staff_id: int | None = None
    created_at: datetime


class CasePublic(Answer):
    id: int
    reference: str
    source: str
    state: str
    region_code: str | None = None
    person_id: int | None = None
    person_name: str | None = None  # masked
    id_number_masked: str | None = None
    subject_name: str | None = None  # as the tip-off named them
    subject_id_number: str | None = None  # as the tip-off gave it (staff link the person with it)
    description: str
    assignee_id: int | None = None
    outcome: str | None = None
    outcome_note: str | None = None
    death_date: date | None = None
    recovery_case_ids: list[int] = Field(default_factory=list)
    spot_check_item_id: int | None = None
    feed_mismatch_id: int | None = None
    created_at: datetime
    closed_at: datetime | None = None
    entries: list[CaseEntryPublic] = Field(default_factory=list)


class CaseAssign(Request):
    staff_id: int | None = Field(default=None, ge=1, description="None: assign to me")


class CaseNote(Request):
    text: SafeText = Field(min_length=1, max_length=NOTE_MAX)


class CaseVisitLink(Request):
    visit_record_id: int = Field(ge=1)


class CasePersonLink(Request):
    id_number: str = Field(pattern=_ID_PATTERN)


class CaseClose(Request):
    outcome: CaseOutcome
    note: SafeText = Field(min_length=3, max_length=NOTE_MAX)
    death_date: SaneDate | None = None  # required for confirmed_deceased
