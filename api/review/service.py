"""Opening review items (from every flow) and looking them up."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.core.errors import ApiError
from api.core.operator import Operator
from api.core.workdays import load_calendar
from api.evidence.models import EvidenceFile
from api.regions.scope import NATIONAL, RegionScope
from api.review.models import ReviewItem, ReviewKind
from shared.enums import CertificationMethod
from shared.reference import new_reference
from shared.schemas import EvidencePublic, StaffRef
from shared.workdays import WorkCalendar


def add_working_days(start: date, days: int, calendar: WorkCalendar | None = None) -> date:
    """The date ``days`` working days after ``start``: public holidays skipped, make-up working days
    counted (``calendar``; default the shipped ``api/calendar.toml``)."""
    return (calendar or load_calendar()).add_working_days(start, days)


def unused_reference(session: Session) -> str:
    """A reference no other item has (eight digits: a repeat is rare, so drawing again is cheap)."""
    while True:
        candidate = new_reference()
        if session.execute(sa.select(ReviewItem.id).where(ReviewItem.reference == candidate)).first() is None:
            return candidate


def open_item(
    session: Session,
    *,
    kind: ReviewKind,
    person: Beneficiary,
    method: CertificationMethod,
    operator: Operator,
    now: datetime,
    challenge_id: str | None = None,
    attestation_id: int | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    expected_by: date | None = None,
) -> ReviewItem:
    item = ReviewItem(
        public_id=secrets.token_urlsafe(12),
        reference=unused_reference(session),
        kind=kind,
        beneficiary_id=person.id,
        method=method,
        operator_kind=operator.kind,
        operator_id=operator.account_id,
        challenge_id=challenge_id,
        attestation_id=attestation_id,
        reason_code=reason_code,
        note=note,
        expected_by=expected_by,
        created_at=now,
    )
    audit.add_recorded(
        session,
        item,
        actor=operator.actor,
        action="review.open",
        entity_type="review_item",
        after={
            "kind": kind,
            "beneficiary_id": person.id,
            "method": method,
            "challenge_id": challenge_id,
            "attestation_id": attestation_id,
            "reason_code": reason_code,
            "expected_by": expected_by,
        },
    )
    return item


NOT_FOUND_MESSAGE = "No submission with this number was found."


def by_public_id(
    session: Session, public_id: str, *, scope: RegionScope = NATIONAL, for_update: bool = False
) -> ReviewItem:
    """The item with this public id — for staff, only about a person inside their region ``scope``
    (the same 404 otherwise)."""
    query = (
        sa.select(ReviewItem)
        .join(Beneficiary, Beneficiary.id == ReviewItem.beneficiary_id)
        .where(ReviewItem.public_id == public_id, scope.people())
    )
    if for_update:
        query = query.with_for_update(of=ReviewItem)
    item = session.execute(query).scalar_one_or_none()
    if item is None:
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    return item


def evidence_public(
    row: EvidenceFile, *, uploaded_by: StaffRef | None = None, opened_by_me: bool = False
) -> EvidencePublic:
    return EvidencePublic(
        evidence_id=row.id,
        kind=row.kind.value,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        taken_on=row.taken_on,
        purged=row.purged_at is not None,
        uploaded_at=row.created_at,
        uploaded_by=uploaded_by,
        opened_by_me=opened_by_me,
    )
