"""Staff endpoints for home visits: open a request for a person in one's region, read it, schedule it,
close it (done / could not reach), and record a visit where the face check could not be done.

Coordinators and admins act; reviewers may read. Every request is looked up through the region scope
(api.worklist.scope): a request outside the staff member's region answers 404, as an unknown one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlalchemy.orm import Session

from api.auth.deps import Coordinator, FieldStaff, StaffScope
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.people import find_person
from api.core.context import CertContextDep
from api.core.db import session_scope, utcnow
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.core.errors import ApiError
from api.core.operator import Operator, OperatorKind
from api.evidence.filetypes import IMAGE_KINDS
from api.evidence.uploads import read_checked
from api.worklist import records, visits
from api.worklist.models import VisitRequest
from shared.cycle import local_date
from shared.enums import VisitRecordReason
from shared.schemas import ErrorResponse
from shared.wire import SafeText, SaneDate
from shared.worklist_schemas import (
    StaffVisitRequestCreate,
    VisitCouldNotReach,
    VisitDone,
    VisitRecordPublic,
    VisitRequestPublic,
    VisitSchedule,
)

router = APIRouter(prefix="/api/v1/visits", tags=["visits"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 415, 422)
}


def public(session: Session, request: VisitRequest) -> VisitRequestPublic:
    person = session.get_one(Beneficiary, request.beneficiary_id)
    worker = session.get(StaffUser, request.worker_id) if request.worker_id is not None else None
    record = records.record_of(session, request.id)
    return VisitRequestPublic(
        request_id=request.id,
        person_id=person.id,
        id_number=person.id_number,
        name=person.name,
        state=request.state,
        reason=request.reason,
        note=request.note,
        contact_phone=request.contact_phone or person.phone,
        requested_by=request.requested_by,
        requested_at=request.created_at,
        scheduled_on=request.scheduled_on,
        worker_id=request.worker_id,
        worker_name=worker.name if worker is not None else None,
        certification_id=request.certification_id,
        outcome_note=request.outcome_note,
        closed_at=request.closed_at,
        record=records.public(session, record) if record is not None else None,
    )


@router.post("", response_model=VisitRequestPublic, status_code=201, responses=ERRORS)
def open_request(
    body: StaffVisitRequestCreate,
    staff: Coordinator,
    scope: StaffScope,
    ctx: CertContextDep,
    response: Response,
) -> VisitRequestPublic:
    """Open a visit request for a person in your region (201); an open one is returned instead (200)."""
    with session_scope(ctx.sessions) as session:
        # outside the staff member's region: the same 404 as for an unknown person
        person = find_person(session, body.id_number, body.name, scope=scope, for_update=True)
        request, created = visits.create(
            session,
            person=person,
            reason=body.reason,
            requested_by=Operator(OperatorKind.STAFF, staff.id),
            now=utcnow(),
            phone=body.phone,
            note=body.note,
        )
        response.status_code = 201 if created else 200
        return public(session, request)


@router.get("/{request_id}", response_model=VisitRequestPublic, responses=ERRORS)
def get_request(request_id: RowId, staff: FieldStaff, session: SessionDep) -> VisitRequestPublic:
    return public(session, visits.get_in_scope(session, request_id, staff))


@router.post("/{request_id}/schedule", response_model=VisitRequestPublic, responses=ERRORS)
def schedule(
    request_id: RowId, body: VisitSchedule, staff: Coordinator, ctx: CertContextDep
) -> VisitRequestPublic:
    """Set (or move) the date and the visiting worker; the person is sent a notice naming them."""
    with session_scope(ctx.sessions) as session:
        request = visits.get_in_scope(session, request_id, staff, for_update=True)
        visits.schedule(
            session, request, on=body.scheduled_on, worker_id=body.worker_id, staff=staff, now=utcnow()
        )
        return public(session, request)


@router.post("/{request_id}/done", response_model=VisitRequestPublic, responses=ERRORS)
def mark_done(
    request_id: RowId, body: VisitDone, staff: Coordinator, ctx: CertContextDep
) -> VisitRequestPublic:
    """Close a scheduled visit with the certification it produced (e.g. the on-site face check)."""
    with session_scope(ctx.sessions) as session:
        request = visits.get_in_scope(session, request_id, staff, for_update=True)
        visits.mark_done(session, request, certification_id=body.certification_id, staff=staff, now=utcnow())
        return public(session, request)


@router.post("/{request_id}/could-not-reach", response_model=VisitRequestPublic, responses=ERRORS)
def could_not_reach(
    request_id: RowId, body: VisitCouldNotReach, staff: Coordinator, ctx: CertContextDep
) -> VisitRequestPublic:
    with session_scope(ctx.sessions) as session:
        request = visits.get_in_scope(session, request_id, staff, for_update=True)
        visits.could_not_reach(session, request, reason=body.reason, staff=staff, now=utcnow())
        return public(session, request)


@router.post("/{request_id}/record", response_model=VisitRecordPublic, status_code=201, responses=ERRORS)
def record_visit(
    request_id: RowId,
    staff: Coordinator,
    ctx: CertContextDep,
    reason: Annotated[VisitRecordReason, Form(description="why the face check could not be done")],
    notes: Annotated[SafeText, Form(min_length=3, max_length=1000)],
    visited_on: Annotated[SaneDate, Form(description="the day of the visit")],
    photos: Annotated[list[UploadFile], File(description="photos of the visit (JPEG or PNG)")],
) -> VisitRecordPublic:
    """Record a scheduled visit where the face check could not be done: the request is done and a
    reviewer decides (approval certifies the person with method home_visit)."""
    checked = read_checked(
        photos, allowed=IMAGE_KINDS, max_bytes=ctx.cert.max_evidence_bytes, limits=ctx.settings.intake
    )
    now = utcnow()
    if visited_on > local_date(now, None):
        raise ApiError(422, "future_date", "A visit cannot be dated in the future.")
    with session_scope(ctx.sessions) as session:
        request = visits.get_in_scope(session, request_id, staff, for_update=True)
        record = records.record_visit(
            session,
            ctx,
            request=request,
            reason=reason,
            notes=notes.strip(),
            visited_on=visited_on,
            photos=checked,
            staff=staff,
            now=now,
        )
        return records.public(session, record)
