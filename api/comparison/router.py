"""The feed review list: rows whose name did not match, for a reviewer to apply or dismiss (rows about
people in the reviewer's region subtree only)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Query

from api.auth.deps import Reviewer, StaffScope
from api.beneficiaries.models import Beneficiary
from api.comparison.feed import FeedContext
from api.comparison.mismatches import decide_mismatch
from api.comparison.models import FeedMismatch, MismatchStatus
from api.comparison.rows import FeedRow
from api.core.deps import PolicyDep, RegionPathsDep, SessionDep, agency_today
from api.core.edge import RowId
from api.core.errors import ApiError
from shared.backoffice_schemas import FeedMismatchPublic, MismatchDecision
from shared.idnumber import mask_id
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/feed-mismatches", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


def _public(item: FeedMismatch, person: Beneficiary) -> FeedMismatchPublic:
    row = FeedRow.from_json(item.row)
    return FeedMismatchPublic(
        id=item.id,
        kind=item.kind.value,
        status=item.status.value,
        row_number=item.row_number,
        feed_name=item.feed_name,
        roll_name=person.name,
        id_number_masked=mask_id(person.id_number),
        event_date=row.event_date,
        detail=row.detail,
        created_at=item.created_at,
    )


@router.get("", response_model=list[FeedMismatchPublic], responses=ERRORS)
def list_mismatches(
    _staff: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    status: MismatchStatus = MismatchStatus.PENDING,
    limit: int = Query(100, ge=1, le=500),
) -> list[FeedMismatchPublic]:
    rows = session.execute(
        sa.select(FeedMismatch, Beneficiary)
        .join(Beneficiary, Beneficiary.id == FeedMismatch.beneficiary_id)
        .where(FeedMismatch.status == status, scope.people())
        .order_by(FeedMismatch.id)
        .limit(limit)
    ).all()
    return [_public(item, person) for item, person in rows]


@router.post("/{item_id}/decision", response_model=FeedMismatchPublic, responses=ERRORS)
def decide(
    item_id: RowId,
    body: MismatchDecision,
    reviewer: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
) -> FeedMismatchPublic:
    item = session.execute(
        sa.select(FeedMismatch)
        .join(Beneficiary, Beneficiary.id == FeedMismatch.beneficiary_id)
        .where(FeedMismatch.id == item_id, scope.people())
    ).scalar_one_or_none()
    if item is None:
        raise ApiError(404, "not_found", "No such review-list item.")
    ctx = FeedContext(policy=policy, region_paths=paths, today=agency_today(), actor=f"staff:{reviewer.id}")
    outcome = decide_mismatch(
        session, item, apply=body.apply, reviewer_id=reviewer.id, reason=body.reason, ctx=ctx
    )
    if outcome.refused is not None:
        session.rollback()
        raise ApiError(409, "cannot_apply", outcome.refused)
    session.commit()
    return _public(item, session.get_one(Beneficiary, item.beneficiary_id))
