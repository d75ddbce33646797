"""The assisted-certification contract (staff app and citizen app ↔ api/worklist): the coordinators' work
list, home-visit requests and visit records.

Kept beside shared/schemas.py (same conventions: pydantic, ISO dates, enum values on the wire). Staff
answers carry ID numbers and names in full (coordinators visit the person); citizen answers never do.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from shared.enums import (
    BenefitType,
    CycleState,
    RegionLevel,
    SpecialGroup,
    VisitRecordReason,
    VisitRequestReason,
    VisitState,
)
from shared.wire import Answer, IdNumber, PersonName, Request

PHONE_PATTERN = r"^\+?[0-9 \-]{5,32}$"


# --- visit requests ----------------------------------------------------------------------------------


class VisitRequestCreate(Request):
    """A citizen asks for a home visit: ID number and name as on the ID card, a phone to arrange it."""

    id_number: IdNumber
    name: PersonName
    phone: str = Field(min_length=5, max_length=32, pattern=PHONE_PATTERN)
    reason: VisitRequestReason
    note: str | None = Field(default=None, max_length=300)


class RelativeVisitRequestCreate(Request):
    """A family helper asks for a home visit for a bound relative."""

    phone: str = Field(min_length=5, max_length=32, pattern=PHONE_PATTERN)
    reason: VisitRequestReason
    note: str | None = Field(default=None, max_length=300)


class StaffVisitRequestCreate(Request):
    """A coordinator or admin opens a visit request for a person in their region."""

    id_number: IdNumber
    name: PersonName
    reason: VisitRequestReason
    phone: str | None = Field(default=None, min_length=5, max_length=32, pattern=PHONE_PATTERN)
    note: str | None = Field(default=None, max_length=300)


class VisitRequestAck(Answer):
    """What the citizen (or helper) is told: the request that is open for the person — the one just made,
    or the one already open (a second request returns it, ``created`` false)."""

    created: bool
    state: VisitState
    requested_on: date
    scheduled_on: date | None = None
    worker_name: str | None = None
    message: str


class VisitSchedule(Request):
    scheduled_on: date
    worker_id: int = Field(ge=1, description="the staff account that will visit")


class VisitDone(Request):
    """Close a visit with the certification it produced (the person's latest passed certification since
    the request when omitted)."""

    certification_id: int | None = Field(default=None, ge=1)


class VisitCouldNotReach(Request):
    reason: str = Field(min_length=3, max_length=500)


class VisitRecordPublic(Answer):
    """A home visit where the face check could not be done: it waits for a reviewer."""

    record_id: int
    visit_request_id: int
    reason: VisitRecordReason
    notes: str
    visited_on: date
    recorded_by: int
    review_id: str | None = None
    review_status: str | None = None  # pending | approved | rejected
    photos: int


class VisitRequestPublic(Answer):
    """A visit request as staff see it."""

    request_id: int
    person_id: int
    id_number: str
    name: str
    state: VisitState
    reason: VisitRequestReason
    note: str | None = None
    contact_phone: str | None = None
    requested_by: str  # "self" | "helper:<id>" | "staff:<id>"
    requested_at: datetime
    scheduled_on: date | None = None
    worker_id: int | None = None
    worker_name: str | None = None
    certification_id: int | None = None
    outcome_note: str | None = None
    closed_at: datetime | None = None
    record: VisitRecordPublic | None = None


# --- the work list ------------------------------------------------------------------------------------


class RegionRef(Answer):
    code: str
    name: str
    level: RegionLevel


class EntitlementDue(Answer):
    benefit_type: BenefitType
    state: CycleState
    window_start: date
    window_end: date
    next_due: date
    days_left: int


class OpenVisit(Answer):
    request_id: int
    state: VisitState
    reason: VisitRequestReason
    requested_at: datetime
    scheduled_on: date | None = None
    worker_id: int | None = None
    worker_name: str | None = None


class WorklistEntry(Answer):
    """One person to see to: why (state, special groups, a visit request) and what to bring (reference)."""

    person_id: int
    id_number: str  # in full: the coordinator checks the ID card on the visit
    name: str
    age: int
    phone: str | None = None
    region_code: str
    regions: list[RegionRef]  # the person's region path, province first
    state: CycleState  # the most urgent state of their entitlements
    days_left: int  # to the nearest deadline (the current window's end for overdue people)
    entitlements: list[EntitlementDue]
    special_groups: list[SpecialGroup]
    reference_face: bool  # an enrolled reference face exists
    reference_outdated: bool  # the newest one is older than the refresh period (re-enrol on the visit)
    visit: OpenVisit | None = None


class VillageCount(Answer):
    region_code: str
    region_name: str
    count: int


class WorklistPage(Answer):
    today: date
    home_visit_age: int
    total: int
    items: list[WorklistEntry]
    villages: list[VillageCount]  # entries per village (every filter applied except ``village``)
