"""The review queue (reviewers and admins) and the applicant's outcome lookup (public, by review id)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.auth.deps import Reviewer
from api.beneficiaries.models import Beneficiary
from api.core.context import CertContextDep
from api.core.db import session_scope, utcnow
from api.core.deps import SessionDep
from api.core.errors import ApiError
from api.evidence import storage
from api.evidence.models import EvidenceFile
from api.receipts import service as receipts
from api.review import decisions, service
from api.review.models import ReviewItem, ReviewKind, ReviewStatus
from shared.idnumber import mask_id, mask_name
from shared.schemas import ErrorResponse, ReviewDecision, ReviewItemPublic, ReviewPage, ReviewStatusPublic

router = APIRouter(prefix="/api/v1/review", tags=["review"])
ERRORS = {code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)}


def _evidence_rows(session: Session, item: ReviewItem) -> list[EvidenceFile]:
    where = EvidenceFile.review_item_id == item.id
    if item.attestation_id is not None:
        where = sa.or_(where, EvidenceFile.attestation_id == item.attestation_id)
    return list(session.execute(sa.select(EvidenceFile).where(where).order_by(EvidenceFile.id)).scalars())


def item_public(
    session: Session, item: ReviewItem, person: Beneficiary, *, with_evidence: bool
) -> ReviewItemPublic:
    return ReviewItemPublic(
        review_id=item.public_id,
        kind=item.kind.value,
        status=item.status.value,
        method=item.method,
        holder_name=mask_name(person.name),
        holder_id=mask_id(person.id_number),
        region_code=person.region_code,
        reason_code=item.reason_code,
        note=item.note,
        submitted_at=item.created_at,
        expected_by=item.expected_by,
        decided_at=item.decided_at,
        decision_reason=item.decision_reason,
        evidence=[service.evidence_public(r) for r in _evidence_rows(session, item)] if with_evidence else [],
    )


@router.get("/items", response_model=ReviewPage, responses=ERRORS)
def list_items(
    _staff: Reviewer,
    session: SessionDep,
    status: ReviewStatus | None = ReviewStatus.PENDING,
    kind: ReviewKind | None = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description="region code prefix")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReviewPage:
    query = sa.select(ReviewItem, Beneficiary).join(Beneficiary, Beneficiary.id == ReviewItem.beneficiary_id)
    if status is not None:
        query = query.where(ReviewItem.status == status)
    if kind is not None:
        query = query.where(ReviewItem.kind == kind)
    if region is not None:
        query = query.where(Beneficiary.region_code.startswith(region, autoescape=True))
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(ReviewItem.created_at, ReviewItem.id).limit(limit).offset(offset)
    ).all()
    return ReviewPage(items=[item_public(session, i, p, with_evidence=False) for i, p in rows], total=total)


@router.get("/items/{review_id}", response_model=ReviewItemPublic, responses=ERRORS)
def get_item(review_id: str, _staff: Reviewer, session: SessionDep) -> ReviewItemPublic:
    item = service.by_public_id(session, review_id)
    return item_public(session, item, session.get(Beneficiary, item.beneficiary_id), with_evidence=True)


@router.get("/items/{review_id}/evidence/{evidence_id}", response_class=Response, responses=ERRORS)
def get_evidence(
    review_id: str, evidence_id: int, _staff: Reviewer, session: SessionDep, ctx: CertContextDep
) -> Response:
    item = service.by_public_id(session, review_id)
    row = next((r for r in _evidence_rows(session, item) if r.id == evidence_id), None)
    if row is None:
        raise ApiError(404, "not_found", "This evidence file does not belong to this item.")
    data = storage.read(ctx.settings.data_dir, row)
    if data is None:
        raise ApiError(410, "purged", "This file was deleted at the end of its retention period.")
    return Response(data, media_type=row.content_type, headers={"Cache-Control": "no-store"})


@router.post("/items/{review_id}/decision", response_model=ReviewItemPublic, responses=ERRORS)
def decide_item(
    review_id: str, body: ReviewDecision, reviewer: Reviewer, ctx: CertContextDep
) -> ReviewItemPublic:
    with session_scope(ctx.sessions) as session:
        item = session.execute(
            sa.select(ReviewItem).where(ReviewItem.public_id == review_id).with_for_update()
        ).scalar_one_or_none()
        if item is None:
            raise ApiError(404, "not_found", "No submission with this number was found.")
        decisions.decide(
            session,
            item=item,
            reviewer=reviewer,
            approve=body.approve,
            reason=body.reason,
            rules=ctx.rules,
            now=utcnow(),
            keep_frames_days=ctx.cert.keep_frames_days_review,
        )
        return item_public(session, item, session.get(Beneficiary, item.beneficiary_id), with_evidence=True)


def status_public(session: Session, item: ReviewItem, *, key: str) -> ReviewStatusPublic:
    receipt = None
    if item.certification_id is not None:
        receipt = receipts.public_for_certification(session, item.certification_id, key=key)
    return ReviewStatusPublic(
        review_id=item.public_id,
        kind=item.kind.value,
        status=item.status.value,
        submitted_at=item.created_at,
        expected_by=item.expected_by,
        decided_at=item.decided_at,
        reason=item.decision_reason if item.status is ReviewStatus.REJECTED else None,
        receipt=receipt,
    )


@router.get("/status/{review_id}", response_model=ReviewStatusPublic, responses=ERRORS)
def review_status(review_id: str, session: SessionDep, ctx: CertContextDep) -> ReviewStatusPublic:
    """For the applicant: where their submission stands (the id is the unguessable number they were given)."""
    return status_public(session, service.by_public_id(session, review_id), key=ctx.settings.secret_key)
