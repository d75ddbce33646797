"""A reviewer lifts a detention suspension once the release is on record (a certification cannot);
only for people in the reviewer's region subtree."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from api.auth.deps import Reviewer, StaffScope
from api.beneficiaries.models import Beneficiary, Entitlement
from api.core.deps import SessionDep, agency_today
from api.core.edge import RowId
from api.core.errors import ApiError
from api.payments.resume import release_from_detention
from api.payments.transitions import held_by_detention
from shared.backoffice_schemas import DetentionRelease, DetentionReleased
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/entitlements", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


@router.post("/{entitlement_id}/detention-release", response_model=DetentionReleased, responses=ERRORS)
def release(
    entitlement_id: RowId, body: DetentionRelease, reviewer: Reviewer, scope: StaffScope, session: SessionDep
) -> DetentionReleased:
    ent = session.execute(
        sa.select(Entitlement)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Entitlement.id == entitlement_id, scope.people())
    ).scalar_one_or_none()
    if ent is None:
        raise ApiError(404, "not_found", "No such entitlement.")
    if not held_by_detention(ent):
        raise ApiError(409, "not_detained", "This entitlement is not suspended for a detention.")
    if body.released_on > agency_today():
        raise ApiError(422, "future_release", "The release date is in the future.")
    month = release_from_detention(
        session, ent, released_on=body.released_on, actor=f"staff:{reviewer.id}", reason=body.reason
    )
    session.commit()
    return DetentionReleased(entitlement_id=ent.id, resume_month=str(month))
