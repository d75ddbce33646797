"""Institutions certifying their own retirees: a unit administrator sees only the unit's retirees and
submits a batch attestation; an agency reviewer approves it (each person then gets a passed certification,
method attestation, operator "unit", with a receipt — recorded through the certification API's
``record_passed``) or rejects it with a reason.

Region scope applies on top: a unit administrator with a region sees only their retirees in it, and a
regional reviewer sees and decides only batches whose every person is in their subtree (a batch about
anyone outside answers 404, as an unknown batch). The unit administrator who submitted a batch never
decides it: deciding needs the reviewer or admin role, which a unit administrator does not have."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.certification.recording import record_passed
from api.core.context import Rules
from api.core.db import utcnow
from api.core.errors import ApiError
from api.core.operator import Operator, OperatorKind
from api.institutions.models import (
    BatchAttestation,
    BatchStatus,
    Institution,
    InstitutionAdmin,
    InstitutionMember,
)
from api.payments.began import began_on
from api.regions.scope import NATIONAL, RegionScope
from shared.backoffice_schemas import BatchAttestationPublic, RetireePublic
from shared.cycle import evaluate
from shared.enums import CertificationMethod, CertificationResult, PaymentState
from shared.idnumber import mask_id, mask_name


def institution_of(session: Session, staff: StaffUser) -> Institution:
    link = session.get(InstitutionAdmin, staff.id)
    if link is None:
        raise ApiError(403, "forbidden", "This account does not administer an institution.")
    return session.get_one(Institution, link.institution_id)  # a foreign key: it exists


def retirees(
    session: Session, institution: Institution, *, today: date, rules: Rules, scope: RegionScope = NATIONAL
) -> list[RetireePublic]:
    people = (
        session.execute(
            sa.select(Beneficiary)
            .join(InstitutionMember, InstitutionMember.beneficiary_id == Beneficiary.id)
            .where(InstitutionMember.institution_id == institution.id, scope.people())
            .order_by(Beneficiary.id)
        )
        .scalars()
        .all()
    )
    out: list[RetireePublic] = []
    for p in people:
        ent = (
            session.execute(
                sa.select(Entitlement)
                .where(Entitlement.beneficiary_id == p.id, Entitlement.payment_state != PaymentState.STOPPED)
                .order_by(Entitlement.id)
            )
            .scalars()
            .first()
        )
        if ent is None:
            continue
        days = (
            session.execute(
                sa.select(Certification.local_date).where(
                    Certification.beneficiary_id == p.id,
                    Certification.result == CertificationResult.PASSED,
                    sa.or_(Certification.entitlement_id.is_(None), Certification.entitlement_id == ent.id),
                )
            )
            .scalars()
            .all()
        )
        rule = rules.policy.policy_for(rules.region_paths.path(session, p.region_code), ent.benefit_type)
        status = evaluate(
            rule,
            p.birth_date,
            list(days),
            today,
            payment_state=ent.payment_state,
            entitled_since=began_on(ent, p.time_zone),
        )
        out.append(
            RetireePublic(
                beneficiary_id=p.id,
                holder_name=mask_name(p.name),
                holder_id=mask_id(p.id_number),
                state=status.state.value,
                next_due=status.next_due,
            )
        )
    return out


def submit(
    session: Session,
    staff: StaffUser,
    *,
    beneficiary_ids: list[int],
    statement: str,
    scope: RegionScope = NATIONAL,
) -> BatchAttestation:
    inst = institution_of(session, staff)
    wanted = sorted(set(beneficiary_ids))
    members = set(
        session.execute(
            sa.select(InstitutionMember.beneficiary_id)
            .join(Beneficiary, Beneficiary.id == InstitutionMember.beneficiary_id)
            .where(
                InstitutionMember.institution_id == inst.id,
                InstitutionMember.beneficiary_id.in_(wanted),
                scope.people(),
            )
        ).scalars()
    )
    foreign = [i for i in wanted if i not in members]
    if foreign:
        raise ApiError(
            422,
            "not_your_retirees",
            f"{len(foreign)} of the listed people are not retirees of your unit.",
            params={"count": len(foreign)},
        )
    batch = BatchAttestation(
        institution_id=inst.id, beneficiary_ids=wanted, statement=statement, submitted_by=staff.id
    )
    session.add(batch)
    session.flush()
    audit.record(
        session,
        actor=f"staff:{staff.id}",
        action="batch_attestation.submit",
        entity_type="batch_attestation",
        entity_id=batch.id,
        after={"institution_id": inst.id, "people": len(wanted)},
        reason=statement,
    )
    return batch


def in_scope(session: Session, batch: BatchAttestation, scope: RegionScope) -> bool:
    """Whether every person of the batch is in ``scope`` (one counting query with the scope condition)."""
    inside = session.execute(
        sa.select(sa.func.count())
        .select_from(Beneficiary)
        .where(Beneficiary.id.in_(batch.beneficiary_ids), scope.people())
    ).scalar_one()
    return inside == len(batch.beneficiary_ids)


def pending(session: Session, *, scope: RegionScope = NATIONAL) -> list[BatchAttestation]:
    rows = session.execute(
        sa.select(BatchAttestation)
        .where(BatchAttestation.status == BatchStatus.PENDING)
        .order_by(BatchAttestation.id)
    ).scalars()
    return [b for b in rows if scope.national or in_scope(session, b, scope)]


def get(session: Session, batch_id: int, *, scope: RegionScope = NATIONAL) -> BatchAttestation:
    batch = session.get(BatchAttestation, batch_id)
    if batch is None or not (scope.national or in_scope(session, batch, scope)):
        raise ApiError(404, "not_found", "No such batch.")
    return batch


def decide(
    session: Session,
    batch: BatchAttestation,
    reviewer: StaffUser,
    *,
    approve: bool,
    reason: str,
    rules: Rules,
) -> int:
    """Approve (certify everyone still certifiable) or reject; returns how many were certified."""
    if batch.status is not BatchStatus.PENDING:
        raise ApiError(409, "already_decided", "This batch was already decided.")
    certified = 0
    if approve:
        operator = Operator(OperatorKind.UNIT, batch.institution_id)
        now = utcnow()
        for pid in batch.beneficiary_ids:
            person = session.get(Beneficiary, pid)
            if person is None or person.deceased_on is not None:
                continue
            try:
                record_passed(
                    session,
                    person=person,
                    method=CertificationMethod.ATTESTATION,
                    operator=operator,
                    rules=rules,
                    now=now,
                    evidence=[f"batch_attestation:{batch.id}"],
                    reason=f"unit batch attestation approved by staff:{reviewer.id}",
                )
            except ApiError:
                continue  # nothing certifiable left (stopped meanwhile)
            certified += 1
    before = {"status": batch.status}
    batch.status = BatchStatus.APPROVED if approve else BatchStatus.REJECTED
    batch.decided_by, batch.decided_at, batch.decision_reason = reviewer.id, utcnow(), reason
    audit.record(
        session,
        actor=f"staff:{reviewer.id}",
        action="batch_attestation.decide",
        entity_type="batch_attestation",
        entity_id=batch.id,
        before=before,
        after={"status": batch.status, "certified": certified},
        reason=reason,
    )
    return certified


def public(session: Session, batch: BatchAttestation, certified: int = 0) -> BatchAttestationPublic:
    inst = session.get_one(Institution, batch.institution_id)  # a foreign key: it exists
    return BatchAttestationPublic(
        id=batch.id,
        institution_id=inst.id,
        institution_name=inst.name,
        people=len(batch.beneficiary_ids),
        statement=batch.statement,
        status=batch.status.value,
        created_at=batch.created_at,
        decided_at=batch.decided_at,
        decision_reason=batch.decision_reason,
        certified=certified,
    )
