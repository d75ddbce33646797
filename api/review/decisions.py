"""Approving or rejecting a review item: the only way an item leaves ``pending``.

Approval records a certification with the item's method (operator: whoever submitted it; the reviewer
is recorded on the item and is the actor of the ``review.approve`` audit event); rejection records the
reason the applicant will see. An attestation follows its review item.

Separation of duties (:mod:`api.review.duties`): a staff member who took part in the case decides
neither way (403 ``same_staff``); an approval needs every evidence file opened by the approving
reviewer first (409 ``evidence_not_opened``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.models import Attestation, AttestationStatus
from api.certification.recording import record_passed
from api.core.context import Rules
from api.core.errors import ApiError
from api.core.operator import Operator
from api.evidence.models import EvidenceFile, EvidenceKind
from api.review import duties
from api.review.models import ReviewItem, ReviewStatus


def decide(
    session: Session,
    *,
    item: ReviewItem,
    reviewer: StaffUser,
    approve: bool,
    reason: str,
    rules: Rules,
    now: datetime,
    keep_frames_days: int,
) -> ReviewItem:
    match (item.status, approve):
        case (ReviewStatus.PENDING, True):
            new_status = ReviewStatus.APPROVED
        case (ReviewStatus.PENDING, False):
            new_status = ReviewStatus.REJECTED
        case _:
            raise ApiError(409, "already_decided", f"This item was already {item.status.value}.")
    duties.require_independent(session, item, reviewer)
    if approve:
        duties.require_everything_opened(session, item, reviewer)
    before = {"status": item.status}
    if new_status is ReviewStatus.APPROVED:
        person = session.get_one(Beneficiary, item.beneficiary_id, with_for_update=True)
        recorded = record_passed(
            session,
            person=person,
            method=item.method,
            operator=Operator(item.operator_kind, item.operator_id),
            rules=rules,
            now=now,
            evidence=[f"review:{item.public_id}"],
            reason=f"approved by staff:{reviewer.id}: {reason}",
        )
        item.certification_id = recorded.certifications[0].id if recorded.certifications else None
    # Raw capture frames were kept for the decision; from now on only for the retention period.
    session.execute(
        sa.update(EvidenceFile)
        .where(EvidenceFile.review_item_id == item.id, EvidenceFile.kind == EvidenceKind.FRAME)
        .values(purge_after=now + timedelta(days=keep_frames_days))
    )
    item.status = new_status
    item.decided_at = now
    item.decided_by = reviewer.id
    item.decision_reason = reason
    session.flush()
    audit.record(
        session,
        actor=f"staff:{reviewer.id}",
        action=f"review.{'approve' if approve else 'reject'}",
        entity_type="review_item",
        entity_id=item.id,
        before=before,
        after={"status": new_status, "certification_id": item.certification_id},
        reason=reason,
    )
    if item.attestation_id is not None:
        attestation = session.get_one(Attestation, item.attestation_id)
        old = attestation.status
        attestation.status = AttestationStatus.APPROVED if approve else AttestationStatus.REJECTED
        audit.record(
            session,
            actor=f"staff:{reviewer.id}",
            action="attestation.decide",
            entity_type="attestation",
            entity_id=attestation.id,
            before={"status": old},
            after={"status": attestation.status},
            reason=reason,
        )
    return item
