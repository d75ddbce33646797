"""Public upload endpoints: the overseas consulate form and evidence after failed face checks.

Staff may call them too, with their token, for the person in front of them: the person must then be in
their region scope (the same 404 as an unknown person otherwise), and they are recorded as the uploader."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile

from api.auth.deps import OptionalStaff
from api.auth.models import StaffUser
from api.certification import documents
from api.certification.people import find_person, require_certifiable
from api.core.context import CertContext, CertContextDep, RateLimited, charge_person
from api.core.db import session_scope, utcnow
from api.core.errors import ApiError
from api.evidence.intake import DOCUMENT_KINDS
from api.evidence.uploads import read_checked
from api.regions.scope import RegionScope
from api.review.models import ReviewKind
from api.review.router import status_public
from shared.enums import CertificationMethod, ResidenceKind
from shared.schemas import ErrorResponse, ReviewStatusPublic
from shared.wire import SafeText

router = APIRouter(prefix="/api/v1", tags=["documents"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (404, 409, 413, 415, 422, 429)
}

IdNumber = Annotated[SafeText, Form(min_length=1, max_length=40)]
Name = Annotated[SafeText, Form(min_length=1, max_length=100)]
Note = Annotated[SafeText | None, Form(max_length=500)]


_SUBMISSION: dict[str, Any] = {
    "response_model": ReviewStatusPublic,
    "status_code": 201,
    "responses": {
        **ERRORS,
        200: {
            "model": ReviewStatusPublic,
            "description": "the person's open item of this window, files added",
        },
    },
    "dependencies": [RateLimited],
}


def _submit(
    ctx: CertContext,
    response: Response,
    id_number: str,
    name: str,
    uploads: list[UploadFile],
    note: str | None,
    *,
    kind: ReviewKind,
    method: CertificationMethod,
    staff: StaffUser | None,
    overseas_only: bool = False,
) -> ReviewStatusPublic:
    """Check the files, find the person, open the review item with the files; answer its public status."""
    if staff is None:
        charge_person(ctx, id_number)  # a public lookup of a person (staff uploads are signed in)
    files = read_checked(
        uploads, allowed=DOCUMENT_KINDS, max_bytes=ctx.cert.max_evidence_bytes, limits=ctx.settings.intake
    )
    with session_scope(ctx.sessions) as session:
        person = find_person(session, id_number, name, scope=RegionScope.of(staff))
        require_certifiable(session, person)
        if overseas_only and person.residence_kind is not ResidenceKind.OVERSEAS:
            raise ApiError(
                409,
                "not_overseas",
                "This path is for residents abroad. Please certify by face or at a service point.",
            )
        submitted = documents.submit(
            session,
            ctx,
            person=person,
            kind=kind,
            method=method,
            files=files,
            note=note,
            now=utcnow(),
            staff_id=staff.id if staff is not None else None,
        )
        if submitted.reused:
            response.status_code = 200  # the person's open item of this window, with the new files added
        return status_public(session, submitted.item, key=ctx.settings.secret_key)


@router.post("/overseas/submissions", **_SUBMISSION)
def submit_overseas_form(
    ctx: CertContextDep,
    response: Response,
    staff: OptionalStaff,
    id_number: IdNumber,
    name: Name,
    documents_: Annotated[
        list[UploadFile], File(alias="documents", description="the scanned consulate form")
    ],
    note: Note = None,
) -> ReviewStatusPublic:
    """Residents abroad: upload the consulate-issued certification form; the answer gives the expected
    decision date (10 working days) and the id to look up the outcome at /api/v1/review/status/{id}."""
    return _submit(
        ctx,
        response,
        id_number,
        name,
        documents_,
        note,
        kind=ReviewKind.OVERSEAS,
        method=CertificationMethod.OVERSEAS_DOCUMENT,
        staff=staff,
        overseas_only=True,
    )


@router.post("/manual-review", **_SUBMISSION)
def submit_manual_review(
    ctx: CertContextDep,
    response: Response,
    staff: OptionalStaff,
    id_number: IdNumber,
    name: Name,
    files: Annotated[list[UploadFile], File(description="photos or documents an officer can check")],
    note: Note = None,
) -> ReviewStatusPublic:
    """When the face check does not work: send photos or documents for an officer to review. A second
    upload while the first is undecided (same certification window) adds to it: 200 with the same id."""
    return _submit(
        ctx,
        response,
        id_number,
        name,
        files,
        note,
        kind=ReviewKind.EVIDENCE,
        method=CertificationMethod.MANUAL_REVIEW,
        staff=staff,
    )
