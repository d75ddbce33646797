"""Neighbour and coordinator attestation (邻里互助, 协办员) for someone who cannot do a face scan: a
coordinator opens it with the reason (and the neighbour who vouches, typed: a neighbour has no account)
and dated evidence; then each level of the policy's sign-off chain signs with its own staff account, from
the lowest level up — the coordinator of the person's village, staff of their township, of their county;
then it goes to an agency reviewer (approval records a certification by attestation).

A signer's region must be at the level being signed and contain the person (the scoped lookup answers
404 otherwise); one account signs one level (403 ``same_staff``); a wrong level answers 403
``signoff_level``. Whoever opened, signed or uploaded evidence cannot decide the review item
(:mod:`api.review.duties`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.certification.models import Attestation, AttestationSignoff, AttestationStatus
from api.certification.people import certifiable_entitlements, masked
from api.core.context import Rules
from api.core.errors import ApiError
from api.core.operator import Operator, OperatorKind
from api.evidence.models import EvidenceFile
from api.regions.models import Region
from api.regions.scope import NATIONAL, RegionScope
from api.review import service as review
from api.review.history import staff_refs
from api.review.models import ReviewItem, ReviewKind
from shared.enums import CertificationMethod, RegionLevel
from shared.schemas import AttestationPublic, SignoffPublic

R = TypeVar("R", AttestationSignoff, EvidenceFile)


def required_levels(session: Session, person: Beneficiary, rules: Rules) -> list[str]:
    """The policy's chain for the person's region and benefits, without the levels their region path does
    not have (someone registered at a township has no village to sign); never empty: at least the level
    of the person's own region."""
    path = rules.region_paths.path(session, person.region_code)
    benefits = [e.benefit_type for e in certifiable_entitlements(session, person)]
    chain = rules.policy.signoffs_for(path, benefits)
    levels = dict(session.execute(sa.select(Region.code, Region.level).where(Region.code.in_(path))).all())
    present = {level.value for level in levels.values()}
    return [level for level in chain if level in present] or [levels[person.region_code].value]


def open_attestation(
    session: Session,
    *,
    person: Beneficiary,
    reason: str,
    witness_name: str | None,
    staff: StaffUser,
    rules: Rules,
) -> Attestation:
    attestation = Attestation(
        beneficiary_id=person.id,
        reason=reason,
        witness_name=witness_name,
        required_signoffs=required_levels(session, person, rules),
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
            "witness_name": witness_name,
            "required_signoffs": attestation.required_signoffs,
        },
    )
    return attestation


def get(
    session: Session, attestation_id: int, *, scope: RegionScope = NATIONAL, for_update: bool = False
) -> Attestation:
    """The attestation — for staff, only about a person inside their region ``scope`` (the same 404
    otherwise)."""
    query = (
        sa.select(Attestation)
        .join(Beneficiary, Beneficiary.id == Attestation.beneficiary_id)
        .where(Attestation.id == attestation_id, scope.people())
    )
    if for_update:
        query = query.with_for_update(of=Attestation)
    attestation = session.execute(query).scalar_one_or_none()
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
    staff: StaffUser,
    level: str | None,
    today: date,
) -> AttestationSignoff:
    """``staff`` signs the next level of the chain. The caller found ``attestation`` within the staff
    member's scope, so their region contains the person; it must also be at that level."""
    require_collecting(attestation)
    done = signoffs(session, attestation.id)
    missing = missing_signoffs(session, attestation)
    if not missing:
        raise ApiError(409, "already_signed", "Every sign-off of this attestation is already recorded.")
    next_level = missing[0]
    if level is not None and level != next_level:
        raise ApiError(
            409,
            "signoff_out_of_order",
            f"The next sign-off is by the {next_level} level, not the {level} level.",
        )
    mine = next((s for s in done if s.recorded_by == staff.id), None)
    if mine is not None:
        raise ApiError(
            403,
            "same_staff",
            f"You already signed this attestation for the {mine.level} level; "
            "each level signs with a different account.",
        )
    region = session.get(Region, staff.region_code) if staff.region_code is not None else None
    own_level = region.level if region is not None else None  # None: national staff
    if own_level != next_level:
        raise ApiError(
            403,
            "signoff_level",
            f"The next sign-off is by staff of the person's {next_level}; your account is at the "
            f"{own_level or 'national'} level.",
        )
    row = AttestationSignoff(
        attestation_id=attestation.id,
        level=RegionLevel(next_level),
        signer_name=staff.name,
        signed_on=today,
        recorded_by=staff.id,
    )
    audit.add_recorded(
        session,
        row,
        actor=f"staff:{staff.id}",
        action="attestation.signoff",
        entity_type="attestation",
        entity_id=attestation.id,
        after={"level": next_level, "region_code": staff.region_code, "signed_on": today},
    )
    return row


def missing_signoffs(session: Session, attestation: Attestation) -> list[str]:
    """The levels still to sign, in signing order."""
    done = {s.level for s in signoffs(session, attestation.id)}
    return [level for level in attestation.required_signoffs if level not in done]


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
        person=session.get_one(Beneficiary, attestation.beneficiary_id),
        method=CertificationMethod.ATTESTATION,
        operator=Operator(OperatorKind.STAFF, staff.id),
        now=now,
        attestation_id=attestation.id,
        note=attestation.reason[:500],
    )


def public(session: Session, attestation: Attestation) -> AttestationPublic:
    person = session.get_one(Beneficiary, attestation.beneficiary_id)
    name, id_number = masked(person)
    item = session.execute(
        sa.select(ReviewItem.public_id).where(ReviewItem.attestation_id == attestation.id)
    ).scalar_one_or_none()
    signed = signoffs(session, attestation.id)
    files = evidence(session, attestation.id)
    refs = staff_refs(
        session, [attestation.opened_by, *(s.recorded_by for s in signed), *(f.uploaded_by for f in files)]
    )
    missing = missing_signoffs(session, attestation)
    return AttestationPublic(
        attestation_id=attestation.id,
        holder_name=name,
        holder_id=id_number,
        reason=attestation.reason,
        status=attestation.status.value,
        witness_name=attestation.witness_name,
        opened_by=refs.get(attestation.opened_by),
        opened_at=attestation.created_at,
        required_signoffs=list(attestation.required_signoffs),
        signoffs=[
            SignoffPublic(
                level=s.level, signer=refs[s.recorded_by], signed_on=s.signed_on, signed_at=s.created_at
            )
            for s in signed
        ],
        missing_signoffs=missing,
        next_signoff=missing[0] if missing and attestation.status is AttestationStatus.COLLECTING else None,
        evidence=[
            review.evidence_public(f, uploaded_by=refs.get(f.uploaded_by) if f.uploaded_by else None)
            for f in files
        ],
        review_id=item,
    )
