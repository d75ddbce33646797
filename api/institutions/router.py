"""Unit administrators: their retirees and batch attestations; reviewers decide the batches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth.deps import Reviewer, StaffScope, require_role
from api.auth.models import StaffUser
from api.core.context import CertContextDep
from api.core.deps import SessionDep, agency_today
from api.core.edge import RowId
from api.institutions import service
from shared.backoffice_schemas import (
    BatchAttestationCreate,
    BatchAttestationPublic,
    BatchDecision,
    RetireePublic,
)
from shared.enums import StaffRole
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/institutions", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
UnitAdmin = Annotated[StaffUser, Depends(require_role(StaffRole.UNIT_ADMIN))]


@router.get("/mine/retirees", response_model=list[RetireePublic], responses=ERRORS)
def my_retirees(
    staff: UnitAdmin, scope: StaffScope, session: SessionDep, ctx: CertContextDep
) -> list[RetireePublic]:
    inst = service.institution_of(session, staff)
    return service.retirees(session, inst, today=agency_today(), rules=ctx.rules, scope=scope)


@router.post("/mine/batches", response_model=BatchAttestationPublic, status_code=201, responses=ERRORS)
def submit_batch(
    body: BatchAttestationCreate, staff: UnitAdmin, scope: StaffScope, session: SessionDep
) -> BatchAttestationPublic:
    batch = service.submit(
        session, staff, beneficiary_ids=body.beneficiary_ids, statement=body.statement, scope=scope
    )
    session.commit()
    return service.public(session, batch)


@router.get("/batches", response_model=list[BatchAttestationPublic], responses=ERRORS)
def pending_batches(_staff: Reviewer, scope: StaffScope, session: SessionDep) -> list[BatchAttestationPublic]:
    """Pending batches whose every person is in the reviewer's region subtree."""
    return [service.public(session, b) for b in service.pending(session, scope=scope)]


@router.post("/batches/{batch_id}/decision", response_model=BatchAttestationPublic, responses=ERRORS)
def decide_batch(
    batch_id: RowId,
    body: BatchDecision,
    reviewer: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    ctx: CertContextDep,
) -> BatchAttestationPublic:
    batch = service.get(session, batch_id, scope=scope)
    certified = service.decide(
        session, batch, reviewer, approve=body.approve, reason=body.reason, rules=ctx.rules
    )
    session.commit()
    return service.public(session, batch, certified)
