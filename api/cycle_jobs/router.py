"""Run a month from the console (admins); the same job as ``lifecert cycle run``. A regional admin's run
covers their region subtree only."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.deps import Admin, StaffScope
from api.core.deps import PolicyDep, RegionPathsDep, SessionDep
from api.core.errors import ApiError
from api.cycle_jobs.month_lock import RunInProgress
from api.cycle_jobs.service import run_month
from shared.backoffice_schemas import CycleChange, CycleRunRequest, CycleRunResult
from shared.months import YearMonth
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/cycle", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 409, 422)}


@router.post("/run", response_model=CycleRunResult, responses=ERRORS)
def run(
    body: CycleRunRequest,
    admin: Admin,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
) -> CycleRunResult:
    try:
        report = run_month(
            session,
            YearMonth.parse(body.month),
            policy=policy,
            region_paths=paths,
            actor=f"staff:{admin.id}",
            scope=scope,
        )
    except RunInProgress as exc:
        raise ApiError(409, "cycle_run_in_progress", str(exc)) from None
    session.commit()
    changes = [
        CycleChange(
            entitlement_id=s.entitlement_id,
            masked_id=s.masked_id,
            benefit_type=s.benefit_type,
            change="suspended",
            month=s.from_month,
        )
        for s in report.suspended
    ] + [
        CycleChange(
            entitlement_id=r.entitlement_id,
            masked_id=r.masked_id,
            benefit_type=r.benefit_type,
            change="resumed",
            month=r.resume_month,
            back_pay_months=r.back_pay_months,
            back_pay_cents=r.back_pay_cents,
        )
        for r in report.resumed
    ]
    changes += [
        CycleChange(
            entitlement_id=s.entitlement_id,
            masked_id=s.masked_id,
            benefit_type=s.benefit_type,
            change="stopped",  # the benefit period (ends_after) of an unemployment benefit ended
            month=s.from_month,
        )
        for s in report.stopped
    ]
    return CycleRunResult(
        run_id=report.run_id,
        month=report.month,
        checked=report.checked,
        suspended=len(report.suspended),
        resumed=len(report.resumed),
        stopped=len(report.stopped),
        reminders=report.reminders,
        changes=changes[:500],
    )
