"""Separation of duties: nobody decides a case they took part in.

Taking part means: running the certification the item came from (the staff member of a home visit or an
on-site face check, the coordinator who submitted an attestation), opening the attestation, signing one
of its levels, or uploading any of its evidence files. Such a staff member gets 403 ``same_staff`` when
they try to approve or reject the item; another reviewer decides. Before approving, the reviewer must
have opened every evidence file of the item (409 ``evidence_not_opened``).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.certification.models import Attestation, AttestationSignoff
from api.core.errors import ApiError
from api.core.operator import OperatorKind
from api.evidence import views
from api.evidence.models import EvidenceFile
from api.review.models import ReviewItem

SAME_STAFF_MESSAGE = (
    "You took part in this case ({what}), so another reviewer must decide it (separation of duties)."
)


def evidence_rows(session: Session, item: ReviewItem) -> list[EvidenceFile]:
    """The item's evidence files: its own and, for an attestation, the attestation's."""
    where = EvidenceFile.review_item_id == item.id
    if item.attestation_id is not None:
        where = sa.or_(where, EvidenceFile.attestation_id == item.attestation_id)
    return list(session.execute(sa.select(EvidenceFile).where(where).order_by(EvidenceFile.id)).scalars())


def participants(session: Session, item: ReviewItem) -> dict[int, set[str]]:
    """Staff id → what they did in the case (ran, opened, signed, uploaded)."""
    roles: dict[int, set[str]] = defaultdict(set)
    if item.operator_kind == OperatorKind.STAFF and item.operator_id is not None:
        roles[item.operator_id].add("ran")
    if item.attestation_id is not None:
        opener = session.execute(
            sa.select(Attestation.opened_by).where(Attestation.id == item.attestation_id)
        ).scalar_one_or_none()
        if opener is not None:
            roles[opener].add("opened")
        for signer in session.execute(
            sa.select(AttestationSignoff.recorded_by).where(
                AttestationSignoff.attestation_id == item.attestation_id
            )
        ).scalars():
            roles[signer].add("signed")
    for row in evidence_rows(session, item):
        if row.uploaded_by is not None:
            roles[row.uploaded_by].add("uploaded")
    return dict(roles)


def blocker(session: Session, item: ReviewItem, reviewer: StaffUser) -> str | None:
    """Why ``reviewer`` may not approve ``item`` now: ``same_staff``, ``evidence_not_opened`` or None."""
    if reviewer.id in participants(session, item):
        return "same_staff"
    if views.unopened(session, reviewer.id, evidence_rows(session, item)):
        return "evidence_not_opened"
    return None


def require_independent(session: Session, item: ReviewItem, reviewer: StaffUser) -> None:
    """403 ``same_staff`` when ``reviewer`` took part in the case."""
    did = participants(session, item).get(reviewer.id)
    if did:
        raise ApiError(403, "same_staff", SAME_STAFF_MESSAGE.format(what=", ".join(sorted(did))))


def require_everything_opened(session: Session, item: ReviewItem, reviewer: StaffUser) -> None:
    """409 ``evidence_not_opened`` while ``reviewer`` has not opened every (unpurged) file of the item."""
    missing = views.unopened(session, reviewer.id, evidence_rows(session, item))
    if missing:
        raise ApiError(
            409,
            "evidence_not_opened",
            f"Open every evidence file before approving: {len(missing)} not opened yet "
            f"(evidence {', '.join(str(i) for i in missing)}).",
        )


def require_not_proposer(proposer_id: int, decider: StaffUser) -> None:
    """403 ``own_change``: a change to a person's record is decided by someone other than its proposer."""
    if decider.id == proposer_id:
        raise ApiError(403, "own_change", "You proposed this change, so another staff member must decide it.")
