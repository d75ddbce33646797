"""Spot checks: draw the half-year sample (admins), view it and record outcomes (field staff), each
within the staff member's region scope."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.deps import Admin, FieldStaff, StaffScope
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.spotchecks import service
from api.spotchecks.models import SpotOutcome
from shared.backoffice_schemas import SpotCheckCreate, SpotCheckPublic, SpotOutcomeCreate
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/spot-checks", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 404, 422)}


@router.post("", response_model=SpotCheckPublic, status_code=201, responses=ERRORS)
def draw(body: SpotCheckCreate, admin: Admin, scope: StaffScope, session: SessionDep) -> SpotCheckPublic:
    check = service.draw(session, body, actor=f"staff:{admin.id}", scope=scope)
    session.commit()
    return service.public(session, check, scope=scope)


@router.get("/{check_id}", response_model=SpotCheckPublic, responses=ERRORS)
def show(check_id: RowId, _staff: FieldStaff, scope: StaffScope, session: SessionDep) -> SpotCheckPublic:
    return service.public(session, service.get(session, check_id, scope=scope), scope=scope)


@router.post("/{check_id}/items/{item_id}/outcome", response_model=SpotCheckPublic, responses=ERRORS)
def outcome(
    check_id: RowId,
    item_id: RowId,
    body: SpotOutcomeCreate,
    staff: FieldStaff,
    scope: StaffScope,
    session: SessionDep,
) -> SpotCheckPublic:
    item = service.get_item(session, check_id, item_id, scope=scope)
    service.record_outcome(
        session,
        item,
        outcome=SpotOutcome(body.outcome),
        note=body.note,
        staff_id=staff.id,
        actor=f"staff:{staff.id}",
    )
    session.commit()
    return service.public(session, service.get(session, check_id, scope=scope), scope=scope)
