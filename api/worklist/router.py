"""``GET /api/v1/worklist``: the people in the staff member's region to see to, most urgent first
(coordinators and admins; reviewers may read it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth.deps import FieldStaff
from api.core.db import utcnow
from api.core.deps import SessionDep
from api.core.edge import Offset
from api.worklist.service import Filters, worklist
from shared.enums import CycleState
from shared.schemas import ErrorResponse
from shared.worklist_schemas import WorklistPage

router = APIRouter(prefix="/api/v1", tags=["worklist"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 422)}


@router.get("/worklist", response_model=WorklistPage, responses=ERRORS)
def get_worklist(
    staff: FieldStaff,
    session: SessionDep,
    request: Request,
    state: Annotated[CycleState | None, Query(description="only people in this state")] = None,
    village: Annotated[
        str | None, Query(pattern=r"^\d{2,12}$", description="only people in this region (and below it)")
    ] = None,
    special_only: Annotated[bool, Query(description="only the special groups (aged, disabled …)")] = False,
    visit_requested: Annotated[bool, Query(description="only people with an open visit request")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> WorklistPage:
    return worklist(
        session,
        staff=staff,
        policy=request.app.state.policy,
        region_paths=request.app.state.region_paths,
        now=utcnow(),
        filters=Filters(
            state=state, village=village, special_only=special_only, visit_requested=visit_requested
        ),
        limit=limit,
        offset=offset,
    )
