"""What a face decision leads to, recorded in the submission's transaction:
passed → certification (or a family binding), failed → counted (manual review offered after repeated
failures), needs review → a review item with the frames kept for the review period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.certification import contact, family, reference_rule
from api.certification.recording import record_passed
from api.certification.references import add_reference
from api.challenges.models import ChallengePurpose, FailedAttempt
from api.challenges.types import Claim, FrameUpload
from api.core.context import CertContext
from api.core.operator import OperatorKind
from api.evidence import storage
from api.evidence.filetypes import JPEG
from api.evidence.models import EvidenceKind
from api.review import service as review
from api.review.models import ReviewKind
from face.types import Decision, Outcome, Template
from shared.enums import CertificationMethod, CertificationResult, ReferenceSource
from shared.schemas import FramesResult, ManualReviewOffer

METHODS = {
    ChallengePurpose.SELF: CertificationMethod.SELF_FACE,
    ChallengePurpose.FAMILY: CertificationMethod.FAMILY_FACE,
    ChallengePurpose.FAMILY_BIND: CertificationMethod.FAMILY_FACE,
    ChallengePurpose.STAFF_ONSITE: CertificationMethod.STAFF_ONSITE,
}

MANUAL_REVIEW_URL = "/api/v1/manual-review"


def manual_review_offer() -> ManualReviewOffer:
    return ManualReviewOffer(
        message=(
            "The face check did not work several times. You can still certify another way: send photos or "
            "documents for an officer to check, ask a family member or your village coordinator to help, "
            "or certify at a service window (a home visit can be arranged)."
        ),
        evidence_upload_url=MANUAL_REVIEW_URL,
        assisted="A family member with a helper account can certify for you, or your coordinator can "
        "open an attestation.",
        onsite="Visit your social-insurance service window or village service point with your ID card, "
        "or call them to arrange a home visit.",
    )


def failures_since(session: Session, beneficiary_id: int, since: datetime) -> int:
    return session.execute(
        sa.select(sa.func.count())
        .select_from(FailedAttempt)
        .where(FailedAttempt.beneficiary_id == beneficiary_id, FailedAttempt.failed_at > since)
    ).scalar_one()


def _keep_frames(
    session: Session,
    ctx: CertContext,
    upload: FrameUpload,
    days: int | None,
    now: datetime,
    uploaded_by: int | None = None,
    **link: int,
) -> list[int]:
    ids = []
    for frame in upload.frames:
        row = storage.store(
            session,
            ctx.storage,
            storage.Upload(frame.data, JPEG, EvidenceKind.FRAME),
            keep_days=days,
            now=now,
            uploaded_by=uploaded_by,
            **link,
        )
        ids.append(row.id)
    return ids


@dataclass(frozen=True, slots=True)
class _Recording:
    """What one outcome is recorded from, in the submission's transaction."""

    session: Session
    ctx: CertContext
    claim: Claim
    person: Beneficiary
    decision: Decision
    upload: FrameUpload
    refreshed: tuple[Template, bytes] | None
    now: datetime
    live_checked: tuple[int, ...] = ()  # pending references this decision confirms (reference_rule)


def _passed(r: _Recording) -> FramesResult:
    session, ctx, claim, person, decision, now = r.session, r.ctx, r.claim, r.person, r.decision, r.now
    if claim.purpose is ChallengePurpose.FAMILY_BIND:
        binding = family.bind(session, ctx, claim=claim, person=person, now=now)
        return FramesResult(
            result=CertificationResult.PASSED,
            reason=decision.reason.value,
            message="Your relative is now bound to your account; you can certify for them from now on.",
            binding_id=binding.id,
        )
    if r.live_checked and claim.operator.account_id is not None:
        reference_rule.confirm_by_live_check(
            session,
            r.live_checked,
            staff_id=claim.operator.account_id,
            challenge_id=claim.challenge_id,
            now=now,
        )
    evidence: list[str] = [f"challenge:{claim.challenge_id}"]
    if ctx.cert.keep_frames_days_passed > 0:
        ids = _keep_frames(session, ctx, r.upload, ctx.cert.keep_frames_days_passed, now)
        evidence += [f"evidence:{i}" for i in ids]
    recorded = record_passed(
        session,
        person=person,
        method=METHODS[claim.purpose],
        operator=claim.operator,
        rules=ctx.rules,
        now=now,
        evidence=evidence,
    )
    if r.refreshed is not None:
        template, photo = r.refreshed
        add_reference(
            session,
            person=person,
            template=template,
            photo=photo,
            source=ReferenceSource.REFRESHED,
            actor=claim.operator.actor,
            reason="kept from a passed certification with consent",
            details={"challenge_id": claim.challenge_id},
            objects=r.ctx.storage,
        )
    code, code_expires = contact.issue_code(
        session,
        person=person,
        certification=recorded.certifications[0],
        now=now,
        minutes=ctx.cert.contact_code_minutes,
    )
    return FramesResult(
        result=CertificationResult.PASSED,
        reason=decision.reason.value,
        message=decision.message or "Certification passed.",
        receipt=recorded.receipts[0] if recorded.receipts else None,
        receipts=list(recorded.receipts),
        resumed=list(recorded.resumed),
        contact_code=code,
        contact_code_expires_at=code_expires,
    )


def _failed(r: _Recording) -> FramesResult:
    session, claim, person, decision, now = r.session, r.claim, r.person, r.decision, r.now
    audit.add_recorded(
        session,
        FailedAttempt(
            beneficiary_id=person.id,
            challenge_id=claim.challenge_id,
            reason=decision.reason.value,
            failed_at=now,
        ),
        actor=claim.operator.actor,
        action="certification.fail",
        entity_type="failed_attempt",
        after={"beneficiary_id": person.id, "challenge_id": claim.challenge_id, "reason": decision.reason},
        region=person.region_code,
    )
    failures = failures_since(session, person.id, now - timedelta(hours=r.ctx.cert.failure_window_hours))
    offer = manual_review_offer() if failures >= r.ctx.cert.failures_before_manual_review else None
    return FramesResult(
        result=CertificationResult.FAILED,
        reason=decision.reason.value,
        message=decision.message or "The certification did not pass. Please try again.",
        failures_last_24h=failures,
        manual_review=offer,
    )


def _retry(r: _Recording) -> FramesResult:
    """Too few usable pictures (a slow or stalling device): try again; nothing counted as a failure."""
    window = timedelta(hours=r.ctx.cert.failure_window_hours)
    failures = failures_since(r.session, r.person.id, r.now - window)
    audit.record(
        r.session,
        actor=r.claim.operator.actor,
        action="certification.retry",
        entity_type="challenge",
        entity_id=r.claim.challenge_id,
        after={"beneficiary_id": r.person.id, "reason": r.decision.reason},
    )
    return FramesResult(
        result=CertificationResult.RETRY,
        reason=r.decision.reason.value,
        message=r.decision.message or "Too few usable pictures arrived. Please try again.",
        failures_last_24h=failures,
    )


def _needs_review(r: _Recording) -> FramesResult:
    if r.claim.purpose is ChallengePurpose.FAMILY_BIND:
        # A binding is not worth an officer's review: the relative simply tries again.
        return _failed(r).model_copy(
            update={"message": "We could not confirm your relative's face. Please try again in good light."}
        )
    item = review.open_item(
        r.session,
        kind=ReviewKind.FACE,
        person=r.person,
        method=METHODS[r.claim.purpose],
        operator=r.claim.operator,
        now=r.now,
        challenge_id=r.claim.challenge_id,
        reason_code=r.decision.reason.value,
    )
    # Kept while the review needs them; the retention period starts at the decision (api.review.decisions).
    operator = r.claim.operator
    staff_id = operator.account_id if operator.kind is OperatorKind.STAFF else None
    _keep_frames(r.session, r.ctx, r.upload, None, r.now, uploaded_by=staff_id, review_item_id=item.id)
    return FramesResult(
        result=CertificationResult.NEEDS_REVIEW,
        reason=r.decision.reason.value,
        message=r.decision.message or "An officer will review your certification.",
        review_id=item.public_id,
        review_reference=item.reference,
    )


def record(
    session: Session,
    ctx: CertContext,
    *,
    claim: Claim,
    person: Beneficiary,
    decision: Decision,
    upload: FrameUpload,
    refreshed: tuple[Template, bytes] | None,
    now: datetime,
    live_checked: tuple[int, ...] = (),
) -> FramesResult:
    r = _Recording(session, ctx, claim, person, decision, upload, refreshed, now, live_checked)
    match decision.outcome:
        case Outcome.PASSED:
            return _passed(r)
        case Outcome.NEEDS_REVIEW:
            return _needs_review(r)
        case Outcome.RETRY:
            return _retry(r)
        case _:
            return _failed(r)
