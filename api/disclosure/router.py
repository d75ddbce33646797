"""Disclosure lists as CSV or PDF (field staff print them for the village notice board)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth.deps import FieldStaff, StaffScope
from api.core.deps import SessionDep, SettingsDep, agency_today
from api.core.edge import QueryDate
from api.core.errors import ApiError
from api.core.workdays import load_calendar
from api.disclosure import service
from api.disclosure.service import tipoff_url
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/disclosure", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 404, 422)}


@router.get("/{village_code}/{half_year}.{fmt}", response_class=Response, responses=ERRORS)
def disclosure(
    village_code: str,
    half_year: str,
    fmt: Literal["csv", "pdf"],
    _staff: FieldStaff,
    scope: StaffScope,
    session: SessionDep,
    settings: SettingsDep,
    posting_from: QueryDate = None,
    working_days: int = Query(service.MIN_POSTING_DAYS, ge=service.MIN_POSTING_DAYS, le=60),
    tipoff: str = Query(service.DEFAULT_TIPOFF, min_length=3, max_length=100),
) -> Response:
    try:
        d = service.build(
            session,
            village_code=village_code,
            half_year=half_year,
            posting_from=posting_from or agency_today(),
            working_days=working_days,
            tipoff_contact=tipoff,
            tipoff_url=tipoff_url(settings),
            scope=scope,
            calendar=load_calendar(settings.calendar_file),
        )
    except LookupError as exc:
        raise ApiError(404, "unknown_region", str(exc)) from None
    except ValueError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    name = f"disclosure-{village_code}-{half_year}.{fmt}"
    if fmt == "csv":
        return Response(
            service.to_csv(d).encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(
        service.to_pdf(d),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
