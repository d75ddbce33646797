"""Asking for a home visit: the person themself (public, like the status lookup: the same answer for an
unknown ID number and a wrong name, the same rate limit) or a family helper for a bound relative."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response
from sqlalchemy.orm import Session

from api.auth.deps import CurrentHelper
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification import family
from api.certification.people import find_person
from api.challenges.submission import check_key
from api.core.context import CertContextDep, RateLimited, charge_person
from api.core.db import session_scope, utcnow
from api.core.edge import RowId
from api.core.operator import SELF, Operator, OperatorKind
from api.worklist import visits
from api.worklist.models import VisitRequest
from shared.cycle import local_date
from shared.schemas import ErrorResponse
from shared.worklist_schemas import RelativeVisitRequestCreate, VisitRequestAck, VisitRequestCreate

router = APIRouter(prefix="/api/v1", tags=["visits"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 422, 429)
}

CREATED = "Your request for a home visit was received. Staff will call you to arrange a date."
ALREADY = "A home visit is already requested for this person; you will be told when it is arranged."


def ack(session: Session, request: VisitRequest, person: Beneficiary, *, created: bool) -> VisitRequestAck:
    worker = session.get(StaffUser, request.worker_id) if request.worker_id is not None else None
    return VisitRequestAck(
        created=created,
        state=request.state,
        requested_on=local_date(request.created_at, person.time_zone),
        scheduled_on=request.scheduled_on,
        worker_name=worker.name if worker is not None else None,
        message=CREATED if created else ALREADY,
    )


def _answer(response: Response, created: bool) -> None:
    response.status_code = 201 if created else 200


@router.post(
    "/visit-requests",
    response_model=VisitRequestAck,
    status_code=201,
    responses=ERRORS,
    dependencies=[RateLimited],
)
def request_visit(
    body: VisitRequestCreate,
    ctx: CertContextDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> VisitRequestAck:
    """Ask for a home visit (201); if one is already open for the person, it is returned (200)."""
    key = check_key(idempotency_key) if idempotency_key is not None else None
    charge_person(ctx, body.id_number)
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name, for_update=True)
        request, created = visits.create(
            session,
            person=person,
            reason=body.reason,
            requested_by=SELF,
            now=utcnow(),
            phone=body.phone,
            note=body.note,
            idempotency_key=key,
        )
        _answer(response, created)
        return ack(session, request, person, created=created)


@router.post(
    "/family/relatives/{binding_id}/visit-requests",
    response_model=VisitRequestAck,
    status_code=201,
    responses=ERRORS,
)
def request_visit_for_relative(
    binding_id: RowId,
    body: RelativeVisitRequestCreate,
    helper: CurrentHelper,
    ctx: CertContextDep,
    response: Response,
) -> VisitRequestAck:
    """A family helper asks for a home visit for a bound relative (the open one is returned if any)."""
    with session_scope(ctx.sessions) as session:
        binding = family.binding_of(session, helper, binding_id)
        person = session.get_one(Beneficiary, binding.beneficiary_id, with_for_update=True)
        request, created = visits.create(
            session,
            person=person,
            reason=body.reason,
            requested_by=Operator(OperatorKind.HELPER, helper.id),
            now=utcnow(),
            phone=body.phone,
            note=body.note,
        )
        _answer(response, created)
        return ack(session, request, person, created=created)
