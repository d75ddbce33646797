"""Record changes (staff, region-scoped): propose (coordinators, reviewers, admins), the pending list and
the decisions (reviewers, admins — never the proposer), one change, and a person's record with its
history."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.auth.deps import FieldStaff, Reviewer, StaffScope
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.record_changes import service
from shared.record_changes import (
    PersonRecordPublic,
    RecordChangeApproval,
    RecordChangeCreate,
    RecordChangePublic,
    RecordChangeRejection,
)
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


@router.post("/record-changes", response_model=RecordChangePublic, status_code=201, responses=ERRORS)
def propose(
    body: RecordChangeCreate, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> RecordChangePublic:
    change_id = service.propose(session, body, staff=staff, scope=scope).id
    session.commit()
    change, person = service.get(session, change_id, scope)
    return service.public(session, change, person, staff)


@router.get("/record-changes", response_model=list[RecordChangePublic], responses=ERRORS)
def pending(
    staff: Reviewer, scope: StaffScope, session: SessionDep, limit: int = Query(100, ge=1, le=500)
) -> list[RecordChangePublic]:
    return [service.public(session, c, p, staff) for c, p in service.pending(session, scope, limit=limit)]


@router.get("/record-changes/{change_id}", response_model=RecordChangePublic, responses=ERRORS)
def show(change_id: RowId, staff: FieldStaff, scope: StaffScope, session: SessionDep) -> RecordChangePublic:
    change, person = service.get(session, change_id, scope)
    return service.public(session, change, person, staff)


@router.post("/record-changes/{change_id}/approve", response_model=RecordChangePublic, responses=ERRORS)
def approve(
    change_id: RowId, body: RecordChangeApproval, staff: Reviewer, scope: StaffScope, session: SessionDep
) -> RecordChangePublic:
    service.approve(session, change_id, staff=staff, scope=scope, note=body.note)
    session.commit()
    change, person = service.get(session, change_id, scope)
    return service.public(session, change, person, staff)


@router.post("/record-changes/{change_id}/reject", response_model=RecordChangePublic, responses=ERRORS)
def reject(
    change_id: RowId, body: RecordChangeRejection, staff: Reviewer, scope: StaffScope, session: SessionDep
) -> RecordChangePublic:
    service.reject(session, change_id, staff=staff, scope=scope, reason=body.reason)
    session.commit()
    change, person = service.get(session, change_id, scope)
    return service.public(session, change, person, staff)


@router.get("/people/{person_id}/record", response_model=PersonRecordPublic, responses=ERRORS)
def person_record(
    person_id: RowId, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> PersonRecordPublic:
    return service.history(session, person_id, scope=scope, viewer=staff)
