"""Recovery cases for reviewers and admins: the list (by state), one case with its ledger and history, a
step on, a repayment, and the credit-list CSV — each about people in the staff member's region subtree."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth.deps import Reviewer, StaffScope
from api.core.deps import SessionDep, agency_today
from api.core.edge import RowId
from api.recovery import credit_list, service
from shared.backoffice_schemas import (
    RecoveryCaseDetail,
    RecoveryCaseSummary,
    RecoveryRepaymentCreate,
    RecoveryStepCreate,
)
from shared.recovery import RecoveryState
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/recovery-cases", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


@router.get("", response_model=list[RecoveryCaseSummary], responses=ERRORS)
def list_cases(
    _staff: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    state: RecoveryState | None = None,
    limit: int = Query(200, ge=1, le=1000),
) -> list[RecoveryCaseSummary]:
    return service.list_cases(session, scope=scope, state=state, limit=limit)


@router.get("/credit-list.csv", response_class=Response, responses=ERRORS)
def credit_list_csv(staff: Reviewer, scope: StaffScope, session: SessionDep) -> Response:
    """Cases refused and put on the credit list (3,000 yuan or more), for the credit platform."""
    text = credit_list.export(session, scope=scope, actor=f"staff:{staff.id}")
    session.commit()
    return Response(
        text.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lifecert-credit-list-{agency_today()}.csv"'},
    )


@router.get("/{case_id}", response_model=RecoveryCaseDetail, responses=ERRORS)
def show(case_id: RowId, _staff: Reviewer, scope: StaffScope, session: SessionDep) -> RecoveryCaseDetail:
    return service.detail(session, service.get(session, case_id, scope=scope))


@router.post("/{case_id}/steps", response_model=RecoveryCaseDetail, responses=ERRORS)
def step(
    case_id: RowId, body: RecoveryStepCreate, staff: Reviewer, scope: StaffScope, session: SessionDep
) -> RecoveryCaseDetail:
    case = service.get(session, case_id, scope=scope, lock=True)
    service.step(session, case, body, today=agency_today(), staff_id=staff.id, actor=f"staff:{staff.id}")
    session.commit()
    return service.detail(session, case)


@router.post("/{case_id}/repayments", response_model=RecoveryCaseDetail, status_code=201, responses=ERRORS)
def repayment(
    case_id: RowId, body: RecoveryRepaymentCreate, staff: Reviewer, scope: StaffScope, session: SessionDep
) -> RecoveryCaseDetail:
    case = service.get(session, case_id, scope=scope, lock=True)
    service.record_repayment(
        session, case, body, today=agency_today(), staff_id=staff.id, actor=f"staff:{staff.id}"
    )
    session.commit()
    return service.detail(session, case)
