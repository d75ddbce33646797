"""Endpoints for staff on site: face challenges run for the person in front of them, reference
enrolment after checking the ID document, and the contact confirmation that may end any certification."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, File, Form, Path, UploadFile

from api.auth.deps import Coordinator, StaffScope, require_role
from api.auth.models import StaffUser
from api.auth.tokens import PrincipalKind
from api.beneficiaries.models import ReferenceFace
from api.certification import contact, onsite, reference_rule
from api.certification.people import find_person, require_certifiable
from api.challenges import service
from api.challenges.models import ChallengePurpose
from api.core.context import CertContextDep, RateLimited
from api.core.db import session_scope, utcnow
from api.core.errors import ApiError
from api.core.operator import operator_of
from api.evidence.intake import IMAGE_KINDS, IntakeRefused, check_upload
from face.types import FaceInputError
from shared.enums import StaffRole
from shared.schemas import (
    ID_CARD_LAST4_PATTERN,
    ChallengeResponse,
    ContactResult,
    ContactUpdate,
    ErrorResponse,
    OnsiteChallengeRequest,
    ReferencePublic,
)
from shared.wire import SafeText

router = APIRouter(prefix="/api/v1", tags=["on-site"])
ConfirmingStaff = Annotated[
    StaffUser, Depends(require_role(StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN))
]
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 415, 422, 429, 503)
}


@router.post("/onsite/challenges", response_model=ChallengeResponse, status_code=201, responses=ERRORS)
def start_onsite_challenge(
    body: OnsiteChallengeRequest, staff: Coordinator, scope: StaffScope, ctx: CertContextDep
) -> ChallengeResponse:
    """A face challenge the staff member runs on their device; submit it with the staff token."""
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name, scope=scope)
        onsite.check_id_card(person, body.id_card_last4)
        require_certifiable(session, person)
        return service.start(
            session,
            ctx,
            person=person,
            purpose=ChallengePurpose.STAFF_ONSITE,
            operator=operator_of(PrincipalKind.STAFF, staff.id),
        )


@router.post("/onsite/references", response_model=ReferencePublic, status_code=201, responses=ERRORS)
def enrol_reference(
    staff: Coordinator,
    scope: StaffScope,
    ctx: CertContextDep,
    id_number: Annotated[SafeText, Form(min_length=1, max_length=40)],
    name: Annotated[SafeText, Form(min_length=1, max_length=100)],
    photo: Annotated[UploadFile, File(description="a JPEG or PNG of the person's face")],
    id_card_last4: Annotated[
        str, Form(pattern=ID_CARD_LAST4_PATTERN, description="last 4 characters of the ID card in hand")
    ],
    replace: Annotated[bool, Form()] = False,
) -> ReferencePublic:
    """Enrol (人脸建模) or refresh the person's reference face. The ID document's last 4 characters are typed
    back (``id_card_last4``); the signed-in staff member is recorded as the one who checked it. The new
    reference waits for confirmation (``status`` awaiting_confirmation): the same staff member's face
    challenge for the person before ``confirm_by`` (a live check), or a second staff member's
    ``POST /api/v1/onsite/references/{reference_id}/confirm``."""
    data = photo.file.read(ctx.settings.max_upload_bytes + 1)
    try:
        check_upload(
            data, allowed=IMAGE_KINDS, max_bytes=ctx.settings.max_upload_bytes, limits=ctx.settings.intake
        )
    except IntakeRefused as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    with session_scope(ctx.sessions) as session:
        # 404 (also outside the region scope) or a card mismatch before spending time on the face
        onsite.check_id_card(find_person(session, id_number, name, scope=scope), id_card_last4)
    try:
        template = ctx.engines.run(lambda engine: engine.enrol(data))  # in a worker thread (sync endpoint)
    except FaceInputError as exc:
        raise ApiError(422, exc.code.value, exc.message) from None
    with session_scope(ctx.sessions) as session:
        person = find_person(session, id_number, name, scope=scope)
        row = onsite.enrol_reference(
            session,
            person=person,
            template=template,
            photo=data,
            staff=staff,
            replace=replace,
            objects=ctx.storage,
        )
        return ReferencePublic(
            reference_id=row.id,
            source=row.source.value,
            created_at=row.created_at,
            status="awaiting_confirmation",
            confirm_by=row.created_at + timedelta(minutes=ctx.cert.reference_live_check_minutes),
        )


@router.post("/onsite/references/{reference_id}/confirm", response_model=ReferencePublic, responses=ERRORS)
def confirm_reference(
    reference_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    staff: ConfirmingStaff,
    scope: StaffScope,
    ctx: CertContextDep,
) -> ReferencePublic:
    """A second staff member confirms a reference face another staff member added (403 ``same_staff`` for
    the one who added it; 409 ``reference_not_pending`` when nothing waits; 404 outside your region)."""
    with session_scope(ctx.sessions) as session:
        ref = session.execute(
            sa.select(ReferenceFace)
            .where(ReferenceFace.id == reference_id, ReferenceFace.beneficiary_id.in_(scope.person_ids()))
            .with_for_update()
        ).scalar_one_or_none()
        if ref is None:
            raise ApiError(404, "not_found", "No such reference face.")
        reference_rule.confirm_by_second_staff(session, ref, staff=staff, now=utcnow())
        return ReferencePublic(
            reference_id=ref.id, source=ref.source.value, created_at=ref.created_at, status="active"
        )


@router.post("/contact", response_model=ContactResult, responses=ERRORS, dependencies=[RateLimited])
def confirm_contact(body: ContactUpdate, ctx: CertContextDep) -> ContactResult:
    """Confirm or update phone and address with the single-use code a passed certification handed out
    (``FramesResult.contact_code``, valid ``LIFECERT_CERTIFICATION__CONTACT_CODE_MINUTES``); 422
    ``contact_code_invalid`` when unknown, expired or already used."""
    with session_scope(ctx.sessions) as session:
        certification, person = contact.redeem_code(session, body.contact_code, now=utcnow())
        row = contact.confirm(
            session, person=person, certification=certification, phone=body.phone, address=body.address
        )
        return ContactResult(
            changed=row.changed,
            message="Thank you, your contact details were updated."
            if row.changed
            else "Thank you for confirming.",
        )
