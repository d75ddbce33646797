"""A home visit where the face check could not be done (bedridden without a camera, dementia, …): the
coordinator records the reason, notes and photos; the request is done, and a review item opens for a
reviewer. Approval (api.review.decisions) certifies the person with method ``home_visit`` through the
ordinary recording path, the coordinator recorded as operator."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.people import require_certifiable
from api.core.context import CertContext
from api.core.operator import Operator, OperatorKind
from api.core.workdays import load_calendar
from api.evidence import storage
from api.evidence.filetypes import FileKind
from api.evidence.models import EvidenceFile, EvidenceKind
from api.review import service as review
from api.review.models import ReviewItem, ReviewKind
from api.worklist.models import VisitRecord, VisitRequest
from api.worklist.visits import check_move, transition
from shared.enums import CertificationMethod, VisitRecordReason, VisitState
from shared.worklist_schemas import VisitRecordPublic

REVIEW_WORKING_DAYS = 5  # the decision date the person is promised


def record_visit(
    session: Session,
    ctx: CertContext,
    *,
    request: VisitRequest,
    reason: VisitRecordReason,
    notes: str,
    visited_on: date,
    photos: list[tuple[bytes, FileKind]],
    staff: StaffUser,
    now: datetime,
) -> VisitRecord:
    check_move(request.state, VisitState.DONE)
    person = session.get_one(Beneficiary, request.beneficiary_id)
    require_certifiable(session, person)
    transition(session, request, VisitState.DONE, actor=f"staff:{staff.id}", now=now)
    item = review.open_item(
        session,
        kind=ReviewKind.HOME_VISIT,
        person=person,
        method=CertificationMethod.HOME_VISIT,
        operator=Operator(OperatorKind.STAFF, staff.id),
        now=now,
        reason_code=reason.value,
        note=notes[:500],
        expected_by=review.add_working_days(
            visited_on, REVIEW_WORKING_DAYS, load_calendar(ctx.settings.calendar_file)
        ),
    )
    for data, kind in photos:
        storage.store(
            session,
            ctx.storage,
            storage.Upload(data, kind, EvidenceKind.PHOTO, visited_on),
            review_item_id=item.id,
            now=now,
            uploaded_by=staff.id,
        )
    record = VisitRecord(
        visit_request_id=request.id,
        beneficiary_id=person.id,
        reason=reason,
        notes=notes,
        visited_on=visited_on,
        recorded_by=staff.id,
        review_item_id=item.id,
        created_at=now,
    )
    audit.add_recorded(
        session,
        record,
        actor=f"staff:{staff.id}",
        action="visit_record.create",
        entity_type="visit_record",
        after={
            "visit_request_id": request.id,
            "beneficiary_id": person.id,
            "reason": reason,
            "visited_on": visited_on,
            "photos": len(photos),
            "review_item_id": item.id,
        },
    )
    return record


def record_of(session: Session, request_id: int) -> VisitRecord | None:
    return session.execute(
        sa.select(VisitRecord).where(VisitRecord.visit_request_id == request_id)
    ).scalar_one_or_none()


def public(session: Session, record: VisitRecord) -> VisitRecordPublic:
    review_id = review_status = None
    photos = 0
    item = session.get(ReviewItem, record.review_item_id) if record.review_item_id is not None else None
    if item is not None:
        review_id, review_status = item.public_id, item.status.value
        photos = session.execute(
            sa.select(sa.func.count())
            .select_from(EvidenceFile)
            .where(EvidenceFile.review_item_id == record.review_item_id)
        ).scalar_one()
    return VisitRecordPublic(
        record_id=record.id,
        visit_request_id=record.visit_request_id,
        reason=record.reason,
        notes=record.notes,
        visited_on=record.visited_on,
        recorded_by=record.recorded_by,
        review_id=review_id,
        review_status=review_status,
        photos=photos,
    )
