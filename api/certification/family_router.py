"""Family certification endpoints (helper accounts only)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from api.auth.deps import CurrentHelper
from api.auth.models import HelperBinding
from api.auth.tokens import PrincipalKind
from api.beneficiaries.models import Beneficiary
from api.certification import family
from api.certification.people import find_person, require_certifiable
from api.challenges import service
from api.challenges.models import ChallengePurpose
from api.core.context import CertContextDep, RateLimited, charge_person
from api.core.db import session_scope
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.core.operator import operator_of
from shared.idnumber import mask_id, mask_name
from shared.schemas import BindRequest, ChallengeResponse, ErrorResponse, RelativePublic

router = APIRouter(prefix="/api/v1/family", tags=["family"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
ERRORS_LIMITED: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422, 429, 503)
}


@router.get("/relatives", response_model=list[RelativePublic], responses=ERRORS)
def list_relatives(helper: CurrentHelper, session: SessionDep) -> list[RelativePublic]:
    rows = session.execute(
        sa.select(HelperBinding, Beneficiary)
        .join(Beneficiary, Beneficiary.id == HelperBinding.beneficiary_id)
        .where(HelperBinding.helper_id == helper.id)
        .order_by(HelperBinding.id)
    ).all()
    return [
        RelativePublic(
            binding_id=b.id,
            name=mask_name(p.name),
            id_number=mask_id(p.id_number),
            relationship=b.relationship_label,
            bound_at=b.created_at,
        )
        for b, p in rows
    ]


@router.post(
    "/relatives",
    response_model=ChallengeResponse,
    status_code=201,
    responses=ERRORS_LIMITED,
    dependencies=[RateLimited],
)
def start_binding(body: BindRequest, helper: CurrentHelper, ctx: CertContextDep) -> ChallengeResponse:
    """Start binding a relative: the relative must pass this face challenge (submitted with your token).
    A lookup of a person like the status lookup: the client's and the person's budgets count every try,
    404s included (no guessing of a relative's name)."""
    charge_person(ctx, body.id_number)
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name)
        require_certifiable(session, person)
        family.check_can_bind(session, ctx, helper.id, person)
        return service.start(
            session,
            ctx,
            person=person,
            purpose=ChallengePurpose.FAMILY_BIND,
            operator=operator_of(PrincipalKind.HELPER, helper.id),
            relationship_label=body.relationship,
        )


@router.post(
    "/relatives/{binding_id}/challenges", response_model=ChallengeResponse, status_code=201, responses=ERRORS
)
def start_family_certification(
    binding_id: RowId, helper: CurrentHelper, ctx: CertContextDep
) -> ChallengeResponse:
    """A face challenge for a bound relative; the relative's face is checked, you are the operator."""
    with session_scope(ctx.sessions) as session:
        binding = family.binding_of(session, helper, binding_id)
        person = session.get_one(Beneficiary, binding.beneficiary_id)
        require_certifiable(session, person)
        return service.start(
            session,
            ctx,
            person=person,
            purpose=ChallengePurpose.FAMILY,
            operator=operator_of(PrincipalKind.HELPER, helper.id),
        )


@router.delete("/relatives/{binding_id}", status_code=204, responses=ERRORS)
def unbind(binding_id: RowId, helper: CurrentHelper, ctx: CertContextDep) -> None:
    with session_scope(ctx.sessions) as session:
        binding = family.binding_of(session, helper, binding_id)
        family.unbind(session, binding, actor=f"helper:{helper.id}")
