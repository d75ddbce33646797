"""Attestation endpoints: coordinators open and complete them; reviewers and admins may read them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api import audit
from api.auth.deps import Coordinator, FieldStaff
from api.certification import attestation as flow
from api.certification.models import Attestation
from api.certification.people import find_person, require_certifiable
from api.core.context import CertContextDep
from api.core.db import session_scope, utcnow
from api.core.deps import SessionDep
from api.core.errors import ApiError
from api.evidence import storage
from api.evidence.filetypes import EVIDENCE_KINDS, MP4, PDF
from api.evidence.models import EvidenceKind
from api.evidence.uploads import read_checked
from shared.cycle import local_date
from shared.schemas import AttestationCreate, AttestationPublic, ErrorResponse, SignoffCreate

router = APIRouter(prefix="/api/v1/attestations", tags=["attestation"])
ERRORS = {code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 415, 422)}


def _today() -> date:
    """Today in China (the agency's calendar): sign-offs and evidence may not be dated after it."""
    return local_date(utcnow(), None)


@router.post("", response_model=AttestationPublic, status_code=201, responses=ERRORS)
def open_attestation(body: AttestationCreate, staff: Coordinator, ctx: CertContextDep) -> AttestationPublic:
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name)
        require_certifiable(session, person)
        attestation = flow.open_attestation(
            session, person=person, reason=body.reason, staff=staff, rules=ctx.rules
        )
        return flow.public(session, attestation)


@router.get("/{attestation_id}", response_model=AttestationPublic, responses=ERRORS)
def get_attestation(attestation_id: int, _staff: FieldStaff, session: SessionDep) -> AttestationPublic:
    attestation = session.get(Attestation, attestation_id)
    if attestation is None:
        raise ApiError(404, "not_found", "No attestation with this number.")
    return flow.public(session, attestation)


@router.post("/{attestation_id}/evidence", response_model=AttestationPublic, responses=ERRORS)
def add_evidence(
    attestation_id: int,
    staff: Coordinator,
    ctx: CertContextDep,
    files: Annotated[list[UploadFile], File(description="photos (JPEG/PNG), videos (MP4) or PDF documents")],
    taken_on: Annotated[date, Form(description="the date the photos or videos were taken")],
) -> AttestationPublic:
    checked = read_checked(files, allowed=EVIDENCE_KINDS, max_bytes=ctx.cert.max_evidence_bytes)
    if taken_on > _today():
        raise ApiError(422, "future_date", "Evidence cannot be dated in the future.")
    with session_scope(ctx.sessions) as session:
        attestation = flow.get_for_update(session, attestation_id)
        flow.require_collecting(attestation)
        for data, kind in checked:
            evidence_kind = {MP4: EvidenceKind.VIDEO, PDF: EvidenceKind.DOCUMENT}.get(
                kind, EvidenceKind.PHOTO
            )
            storage.store(
                session,
                ctx.settings.data_dir,
                storage.Upload(data, kind, evidence_kind, taken_on),
                attestation_id=attestation.id,
            )
        audit.record(
            session,
            actor=f"staff:{staff.id}",
            action="attestation.evidence",
            entity_type="attestation",
            entity_id=attestation.id,
            after={"files": len(checked), "taken_on": taken_on},
        )
        flow.submit_if_complete(session, attestation=attestation, staff=staff, now=utcnow())
        return flow.public(session, attestation)


@router.post("/{attestation_id}/signoffs", response_model=AttestationPublic, responses=ERRORS)
def add_signoff(
    attestation_id: int, body: SignoffCreate, staff: Coordinator, ctx: CertContextDep
) -> AttestationPublic:
    with session_scope(ctx.sessions) as session:
        attestation = flow.get_for_update(session, attestation_id)
        flow.add_signoff(
            session,
            attestation=attestation,
            role=body.role,
            signer_name=body.signer_name,
            signed_on=body.signed_on,
            staff=staff,
            today=_today(),
        )
        flow.submit_if_complete(session, attestation=attestation, staff=staff, now=utcnow())
        return flow.public(session, attestation)
