"""Neighbour and coordinator attestation (邻里互助, 协办员) for someone who cannot do a face scan: a
coordinator opens it with the reason and dated evidence, the sign-offs the region's policy names are
collected, then it goes to an agency reviewer (approval records a certification by attestation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.models import Attestation, AttestationSignoff, AttestationStatus
from api.certification.people import masked
from api.core.context import Rules
from api.core.errors import ApiError
from api.core.operator import Operator, OperatorKind
from api.evidence.models import EvidenceFile
from api.review import service as review
from api.review.models import ReviewItem, ReviewKind
from shared.enums import CertificationMethod
from shared.schemas import AttestationPublic, SignoffPublic

R = TypeVar("R", AttestationSignoff, EvidenceFile)


def open_attestation(
    session: Session, *, person: Beneficiary, reason: str, staff: StaffUser, rules: Rules
) -> Attestation:
    path = rules.region_paths.path(session, person.region_code)
    attestation = Attestation(
        beneficiary_id=person.id,
        reason=reason,
        required_signoffs=list(rules.policy.signoffs_for(path)),
        opened_by=staff.id,
    )
    audit.add_recorded(
        session,
        attestation,
        actor=f"staff:{staff.id}",
        action="attestation.open",
        entity_type="attestation",
        after={
            "beneficiary_id": person.id,
            "reason": reason,
            "required_signoffs": attestation.required_signoffs,
        },
    )
    return attestation


def get_for_update(session: Session, attestation_id: int) -> Attestation:
    attestation = session.execute(
        sa.select(Attestation).where(Attestation.id == attestation_id).with_for_update()
    ).scalar_one_or_none()
    if attestation is None:
        raise ApiError(404, "not_found", "No attestation with this number.")
    return attestation


def require_collecting(attestation: Attestation) -> None:
    if attestation.status is not AttestationStatus.COLLECTING:
        raise ApiError(
            409, "attestation_closed", f"This attestation is {attestation.status.value}; it cannot change."
        )


def _of_attestation(session: Session, model: type[R], attestation_id: int) -> list[R]:
    return list(
        session.execute(
            sa.select(model).where(model.attestation_id == attestation_id).order_by(model.id)
        ).scalars()
    )


def signoffs(session: Session, attestation_id: int) -> list[AttestationSignoff]:
    return _of_attestation(session, AttestationSignoff, attestation_id)


def evidence(session: Session, attestation_id: int) -> list[EvidenceFile]:
    return _of_attestation(session, EvidenceFile, attestation_id)


def add_signoff(
    session: Session,
    *,
    attestation: Attestation,
    role: str,
    signer_name: str,
    signed_on: date,
    staff: StaffUser,
    today: date,
) -> AttestationSignoff:
    require_collecting(attestation)
    if role not in attestation.required_signoffs:
        names = ", ".join(attestation.required_signoffs)
        raise ApiError(422, "unknown_signoff_role", f"This region's policy asks for sign-offs by: {names}.")
    if signed_on > today:
        raise ApiError(422, "future_date", "A sign-off cannot be dated in the future.")
    if any(s.role == role for s in signoffs(session, attestation.id)):
        raise ApiError(409, "already_signed", f"The {role} sign-off is already recorded.")
    row = AttestationSignoff(
        attestation_id=attestation.id,
        role=role,
        signer_name=signer_name,
        signed_on=signed_on,
        recorded_by=staff.id,
    )
    audit.add_recorded(
        session,
        row,
        actor=f"staff:{staff.id}",
        action="attestation.signoff",
        entity_type="attestation",
        entity_id=attestation.id,
        after={"role": role, "signer_name": signer_name, "signed_on": signed_on},
    )
    return row


def missing_signoffs(session: Session, attestation: Attestation) -> list[str]:
    done = {s.role for s in signoffs(session, attestation.id)}
    return [r for r in attestation.required_signoffs if r not in done]


def submit_if_complete(
    session: Session, *, attestation: Attestation, staff: StaffUser, now: datetime
) -> ReviewItem | None:
    """Every sign-off in and at least one evidence file: the attestation goes to an agency reviewer."""
    if attestation.status is not AttestationStatus.COLLECTING:
        return None
    if missing_signoffs(session, attestation) or not evidence(session, attestation.id):
        return None
    attestation.status = AttestationStatus.IN_REVIEW
    audit.record(
        session,
        actor=f"staff:{staff.id}",
        action="attestation.submit",
        entity_type="attestation",
        entity_id=attestation.id,
        before={"status": AttestationStatus.COLLECTING},
        after={"status": AttestationStatus.IN_REVIEW},
    )
    return review.open_item(
        session,
        kind=ReviewKind.ATTESTATION,
        person=session.get(Beneficiary, attestation.beneficiary_id),
        method=CertificationMethod.ATTESTATION,
        operator=Operator(OperatorKind.STAFF, staff.id),
        now=now,
        attestation_id=attestation.id,
        note=attestation.reason[:500],
    )


def public(session: Session, attestation: Attestation) -> AttestationPublic:
    person = session.get(Beneficiary, attestation.beneficiary_id)
    name, id_number = masked(person)
    item = session.execute(
        sa.select(ReviewItem.public_id).where(ReviewItem.attestation_id == attestation.id)
    ).scalar_one_or_none()
    return AttestationPublic(
        attestation_id=attestation.id,
        holder_name=name,
        holder_id=id_number,
        reason=attestation.reason,
        status=attestation.status.value,
        required_signoffs=list(attestation.required_signoffs),
        signoffs=[
            SignoffPublic(role=s.role, signer_name=s.signer_name, signed_on=s.signed_on)
            for s in signoffs(session, attestation.id)
        ],
        missing_signoffs=missing_signoffs(session, attestation),
        evidence=[review.evidence_public(e) for e in evidence(session, attestation.id)],
        review_id=item,
    )
