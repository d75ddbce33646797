"""The audit viewer (reviewers and admins): search events, see whether the hash chain verifies. Regional
staff see the events about people in their region subtree only (api/audit_viewer/service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.audit_viewer.service import search
from api.auth.deps import Reviewer, StaffScope
from api.core.deps import SessionDep
from api.core.edge import QueryDate
from shared.backoffice_schemas import AuditPage
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/audit", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (401, 403, 422)}


@router.get("", response_model=AuditPage, responses=ERRORS)
def audit_events(
    _staff: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    id_number: str | None = Query(None, max_length=40),
    actor: str | None = Query(None, max_length=128),
    action: str | None = Query(None, max_length=64),
    date_from: QueryDate = None,
    date_to: QueryDate = None,
    limit: int = Query(100, ge=1, le=1000),
    verify: bool = True,
) -> AuditPage:
    return search(
        session,
        id_number=id_number,
        actor=actor,
        action=action,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        verify=verify,
        scope=scope,
    )
