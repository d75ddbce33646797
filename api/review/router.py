"""The review queue (reviewers and admins) and the applicant's outcome lookup (public, by review id)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api import audit
from api.auth.deps import Reviewer, StaffScope
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification import reference_rule
from api.core.context import CertContextDep
from api.core.db import session_scope, utcnow
from api.core.deps import SessionDep
from api.core.edge import Offset, RowId
from api.core.errors import ApiError
from api.evidence import storage, views
from api.receipts import service as receipts
from api.review import decisions, duties, history, service
from api.review.models import ReviewItem, ReviewKind, ReviewStatus
from shared.idnumber import mask_id, mask_name
from shared.schemas import ErrorResponse, ReviewDecision, ReviewItemPublic, ReviewPage, ReviewStatusPublic

router = APIRouter(prefix="/api/v1/review", tags=["review"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}


def item_public(
    session: Session,
    item: ReviewItem,
    person: Beneficiary,
    *,
    with_evidence: bool,
    reviewer: StaffUser | None = None,
) -> ReviewItemPublic:
    """The item as staff see it; with ``with_evidence`` its files (and whether ``reviewer`` opened each),
    its history, and what (if anything) keeps ``reviewer`` from approving it."""
    files = duties.evidence_rows(session, item) if with_evidence else []
    refs = history.staff_refs(session, [item.decided_by, *(f.uploaded_by for f in files)])
    mine = views.opened_by(session, reviewer.id, [f.id for f in files]) if reviewer is not None else set()
    pending = item.status is ReviewStatus.PENDING
    return ReviewItemPublic(
        review_id=item.public_id,
        reference=item.reference,
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
        decided_by=refs.get(item.decided_by) if item.decided_by is not None else None,
        evidence=[
            service.evidence_public(
                f,
                uploaded_by=refs.get(f.uploaded_by) if f.uploaded_by is not None else None,
                opened_by_me=f.id in mine,
            )
            for f in files
        ],
        history=history.case_history(session, item, files) if with_evidence else [],
        references=reference_rule.history(session, person.id) if with_evidence else [],
        approval_blocked=duties.blocker(session, item, reviewer)
        if with_evidence and pending and reviewer is not None
        else None,
    )


@router.get("/items", response_model=ReviewPage, responses=ERRORS)
def list_items(
    _staff: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    status: ReviewStatus | None = ReviewStatus.PENDING,
    kind: ReviewKind | None = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description="region code prefix")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ReviewPage:
    """The queue of items about people in the reviewer's region (all of them for national staff)."""
    query = (
        sa.select(ReviewItem, Beneficiary)
        .join(Beneficiary, Beneficiary.id == ReviewItem.beneficiary_id)
        .where(scope.people())
    )
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
def get_item(review_id: str, reviewer: Reviewer, scope: StaffScope, session: SessionDep) -> ReviewItemPublic:
    item = service.by_public_id(session, review_id, scope=scope)
    return item_public(
        session,
        item,
        session.get_one(Beneficiary, item.beneficiary_id),
        with_evidence=True,
        reviewer=reviewer,
    )


@router.get("/items/{review_id}/evidence/{evidence_id}", response_class=Response, responses=ERRORS)
def get_evidence(
    review_id: str,
    evidence_id: RowId,
    reviewer: Reviewer,
    scope: StaffScope,
    session: SessionDep,
    ctx: CertContextDep,
) -> Response:
    """One evidence file of the item; the reviewer's first opening is recorded (approval needs it)."""
    item = service.by_public_id(session, review_id, scope=scope)
    row = next((r for r in duties.evidence_rows(session, item) if r.id == evidence_id), None)
    if row is None:
        raise ApiError(404, "not_found", "This evidence file does not belong to this item.")
    data = storage.read(ctx.storage, row)
    if data is None:
        raise ApiError(410, "purged", "This file was deleted at the end of its retention period.")
    if views.record_opened(session, evidence_id=row.id, staff_id=reviewer.id, now=utcnow()):
        audit.record(
            session,
            actor=f"staff:{reviewer.id}",
            action="evidence.open",
            entity_type="review_item",
            entity_id=item.id,
            after={"evidence_id": row.id},
        )
    session.commit()
    return Response(data, media_type=row.content_type, headers={"Cache-Control": "no-store"})


@router.post("/items/{review_id}/decision", response_model=ReviewItemPublic, responses=ERRORS)
def decide_item(
    review_id: str, body: ReviewDecision, reviewer: Reviewer, scope: StaffScope, ctx: CertContextDep
) -> ReviewItemPublic:
    """Approve or reject. A reviewer who took part in the case gets 403 ``same_staff``; approving before
    opening every evidence file gets 409 ``evidence_not_opened``."""
    with session_scope(ctx.sessions) as session:
        item = service.by_public_id(session, review_id, scope=scope, for_update=True)
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
        return item_public(
            session,
            item,
            session.get_one(Beneficiary, item.beneficiary_id),
            with_evidence=True,
            reviewer=reviewer,
        )


def status_public(session: Session, item: ReviewItem, *, key: str) -> ReviewStatusPublic:
    receipt = None
    if item.certification_id is not None:
        receipt = receipts.public_for_certification(session, item.certification_id, key=key)
    return ReviewStatusPublic(
        review_id=item.public_id,
        reference=item.reference,
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
