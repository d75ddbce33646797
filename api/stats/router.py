"""Statistics for staff: JSON for the console charts, CSV for spreadsheets."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth.deps import FieldStaff, StaffScope
from api.core.deps import PolicyDep, ReadSessionDep, RegionPathsDep, agency_today
from api.core.edge import QueryDate
from api.stats import service
from shared.backoffice_schemas import StatsOverview
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/stats", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 422)}


@router.get("", response_model=StatsOverview, responses=ERRORS)
def stats(
    _staff: FieldStaff,
    scope: StaffScope,
    session: ReadSessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
    as_of: QueryDate = None,
    depth: int = Query(3, ge=1, le=5),
    months: int = Query(12, ge=1, le=60),
) -> StatsOverview:
    """Figures for the people of the staff member's region subtree (the whole country: national staff)."""
    return service.overview(
        session,
        as_of=as_of or agency_today(),
        policy=policy,
        region_paths=paths,
        depth=depth,
        months=months,
        scope=scope,
    )


@router.get("/export.csv", response_class=Response, responses=ERRORS)
def stats_csv(
    _staff: FieldStaff,
    scope: StaffScope,
    session: ReadSessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
    as_of: QueryDate = None,
    depth: int = Query(3, ge=1, le=5),
) -> Response:
    data = service.overview(
        session, as_of=as_of or agency_today(), policy=policy, region_paths=paths, depth=depth, scope=scope
    )
    return Response(
        service.to_csv(data).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lifecert-stats-{data.as_of}.csv"'},
    )
