"""Monthly death reports (staff, region-scoped): a village coordinator or an institution's unit admin
submits a month's report; township and county staff see who is late, remind them and consolidate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth.deps import StaffScope, require_role
from api.auth.models import StaffUser
from api.core.deps import PolicyDep, RegionPathsDep, SessionDep, agency_today
from api.core.edge import RowId
from api.death_reports import service
from shared.death_reports import (
    MONTH_PATTERN,
    ConsolidationIn,
    ConsolidationPublic,
    DeathReportIn,
    DeathReportPublic,
    LateList,
    ReminderPublic,
    RemindIn,
)
from shared.enums import StaffRole
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}

# Who reports: village coordinators and institutions' unit admins (admins on their behalf).
Reporter = Annotated[
    StaffUser, Depends(require_role(StaffRole.COORDINATOR, StaffRole.UNIT_ADMIN, StaffRole.ADMIN))
]
# Who follows up and consolidates: township and county staff.
Consolidator = Annotated[
    StaffUser, Depends(require_role(StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN))
]


@router.post("/death-reports", response_model=DeathReportPublic, status_code=201, responses=ERRORS)
def submit(
    body: DeathReportIn,
    staff: Reporter,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
) -> DeathReportPublic:
    report = service.submit(
        session, body, staff=staff, scope=scope, today=agency_today(), policy=policy, paths=paths
    )
    answer = service.public(session, report, policy)
    session.commit()
    return answer


@router.get("/death-reports", response_model=LateList, responses=ERRORS)
def units(
    staff: Consolidator,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    month: Annotated[str, Query(pattern=MONTH_PATTERN)],
    only_late: bool = False,
) -> LateList:
    """Every unit in the caller's region with its deadline and status for ``month`` (late first)."""
    today = agency_today()
    return service.late_list(
        session,
        service.reported_month(month, today),
        scope=scope,
        today=today,
        policy=policy,
        only_late=only_late,
    )


@router.get("/death-reports/{report_id}", response_model=DeathReportPublic, responses=ERRORS)
def show(
    report_id: RowId, staff: Reporter, scope: StaffScope, session: SessionDep, policy: PolicyDep
) -> DeathReportPublic:
    return service.public(session, service.get(session, report_id, scope), policy)


@router.post(
    "/death-reports/consolidations", response_model=ConsolidationPublic, status_code=201, responses=ERRORS
)
def consolidate(
    body: ConsolidationIn,
    staff: Consolidator,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
) -> ConsolidationPublic:
    report = service.consolidate(
        session, body, staff=staff, scope=scope, today=agency_today(), policy=policy, paths=paths
    )
    answer = service.consolidation_public(report, policy)
    session.commit()
    return answer


@router.post("/death-reports/reminders", response_model=list[ReminderPublic], responses=ERRORS)
def remind(
    body: RemindIn, staff: Consolidator, scope: StaffScope, session: SessionDep, policy: PolicyDep
) -> list[ReminderPublic]:
    today = agency_today()
    sent = service.remind(
        session,
        service.reported_month(body.month, today),
        scope=scope,
        today=today,
        policy=policy,
        actor=f"staff:{staff.id}",
    )
    session.commit()
    return sent
