"""Attestation endpoints: coordinators open them and add evidence; each level of the sign-off chain signs
with its own account (coordinators, reviewers or admins of that level) and finds the attestations waiting
for it in ``GET /api/v1/attestations?awaiting=me``; reviewers and admins may read them. Every lookup is
limited to the staff member's region scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile

from api import audit
from api.auth.deps import Coordinator, FieldStaff, StaffScope
from api.certification import attestation as flow
from api.certification import attestation_lists as lists
from api.certification.people import find_person, require_certifiable
from api.core.context import CertContextDep
from api.core.db import session_scope, utcnow
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.core.errors import ApiError
from api.evidence import storage
from api.evidence.filetypes import EVIDENCE_KINDS, MP4, PDF
from api.evidence.models import EvidenceKind
from api.evidence.uploads import read_checked
from shared.cycle import local_date
from shared.schemas import AttestationCreate, AttestationPublic, ErrorResponse, SignoffCreate
from shared.wire import SaneDate

router = APIRouter(prefix="/api/v1/attestations", tags=["attestation"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 415, 422)
}


def _today() -> date:
    """Today in China (the agency's calendar): sign-offs and evidence may not be dated after it."""
    return local_date(utcnow(), None)


@router.post("", response_model=AttestationPublic, status_code=201, responses=ERRORS)
def open_attestation(
    body: AttestationCreate, staff: Coordinator, scope: StaffScope, ctx: CertContextDep
) -> AttestationPublic:
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name, scope=scope)
        require_certifiable(session, person)
        attestation = flow.open_attestation(
            session,
            person=person,
            reason=body.reason,
            witness_name=body.witness_name,
            staff=staff,
            rules=ctx.rules,
        )
        return flow.public(session, attestation)


@router.get("", response_model=list[AttestationPublic], responses=ERRORS)
def list_attestations(
    staff: FieldStaff,
    scope: StaffScope,
    session: SessionDep,
    awaiting: Literal["me"] | None = None,
    opened_by: Literal["me"] | None = None,
) -> list[AttestationPublic]:
    """``awaiting=me``: still collecting, and the next sign-off is the caller's level (their region's) and
    not yet signed by them at another level; ``opened_by=me``: opened by the caller, still collecting.
    Oldest first, at most 100; people outside the caller's region scope are never listed."""
    if (awaiting is None) == (opened_by is None):
        raise ApiError(422, "list_filter", "Ask for exactly one list: awaiting=me or opened_by=me.")
    if awaiting is not None:
        found = lists.awaiting_signature(session, staff=staff, scope=scope)
    else:
        found = lists.opened_by(session, staff=staff, scope=scope)
    return [flow.public(session, attestation) for attestation in found]


@router.get("/{attestation_id}", response_model=AttestationPublic, responses=ERRORS)
def get_attestation(
    attestation_id: RowId, _staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> AttestationPublic:
    return flow.public(session, flow.get(session, attestation_id, scope=scope))


@router.post("/{attestation_id}/evidence", response_model=AttestationPublic, responses=ERRORS)
def add_evidence(
    attestation_id: RowId,
    staff: Coordinator,
    scope: StaffScope,
    ctx: CertContextDep,
    files: Annotated[list[UploadFile], File(description="photos (JPEG/PNG), videos (MP4) or PDF documents")],
    taken_on: Annotated[SaneDate, Form(description="the date the photos or videos were taken")],
) -> AttestationPublic:
    checked = read_checked(
        files, allowed=EVIDENCE_KINDS, max_bytes=ctx.cert.max_evidence_bytes, limits=ctx.settings.intake
    )
    if taken_on > _today():
        raise ApiError(422, "future_date", "Evidence cannot be dated in the future.")
    with session_scope(ctx.sessions) as session:
        attestation = flow.get(session, attestation_id, scope=scope, for_update=True)
        flow.require_collecting(attestation)
        for data, kind in checked:
            evidence_kind = {MP4: EvidenceKind.VIDEO, PDF: EvidenceKind.DOCUMENT}.get(
                kind, EvidenceKind.PHOTO
            )
            storage.store(
                session,
                ctx.storage,
                storage.Upload(data, kind, evidence_kind, taken_on),
                attestation_id=attestation.id,
                uploaded_by=staff.id,
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
    attestation_id: RowId,
    staff: FieldStaff,
    scope: StaffScope,
    ctx: CertContextDep,
    body: SignoffCreate | None = None,
) -> AttestationPublic:
    """The signed-in staff member signs the next level of the chain with their own account: their region
    must be at that level and contain the person (the village's coordinator, the township's staff …)."""
    with session_scope(ctx.sessions) as session:
        attestation = flow.get(session, attestation_id, scope=scope, for_update=True)
        flow.add_signoff(
            session,
            attestation=attestation,
            staff=staff,
            level=body.level if body is not None else None,
            today=_today(),
        )
        flow.submit_if_complete(session, attestation=attestation, staff=staff, now=utcnow())
        return flow.public(session, attestation)
