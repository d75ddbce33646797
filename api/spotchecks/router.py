"""Spot checks: draw the half-year sample (admins), view it and record outcomes (field staff)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.deps import Admin, FieldStaff
from api.core.deps import SessionDep
from api.core.errors import ApiError
from api.spotchecks import service
from api.spotchecks.models import SpotCheck, SpotCheckItem, SpotOutcome
from shared.backoffice_schemas import SpotCheckCreate, SpotCheckPublic, SpotOutcomeCreate
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/spot-checks", tags=["back office"])
ERRORS = {code: {"model": ErrorResponse} for code in (401, 403, 404, 422)}


@router.post("", response_model=SpotCheckPublic, status_code=201, responses=ERRORS)
def draw(body: SpotCheckCreate, admin: Admin, session: SessionDep) -> SpotCheckPublic:
    check = service.draw(session, body, actor=f"staff:{admin.id}")
    session.commit()
    return service.public(session, check)


@router.get("/{check_id}", response_model=SpotCheckPublic, responses=ERRORS)
def show(check_id: int, _staff: FieldStaff, session: SessionDep) -> SpotCheckPublic:
    check = session.get(SpotCheck, check_id)
    if check is None:
        raise ApiError(404, "not_found", "No such spot check.")
    return service.public(session, check)


@router.post("/{check_id}/items/{item_id}/outcome", response_model=SpotCheckPublic, responses=ERRORS)
def outcome(
    check_id: int, item_id: int, body: SpotOutcomeCreate, staff: FieldStaff, session: SessionDep
) -> SpotCheckPublic:
    item = session.get(SpotCheckItem, item_id)
    if item is None or item.spot_check_id != check_id:
        raise ApiError(404, "not_found", "No such item in this spot check.")
    service.record_outcome(
        session,
        item,
        outcome=SpotOutcome(body.outcome),
        note=body.note,
        staff_id=staff.id,
        actor=f"staff:{staff.id}",
    )
    session.commit()
    return service.public(session, session.get(SpotCheck, check_id))
