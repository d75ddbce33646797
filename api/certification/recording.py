"""Recording a certification: one Certification per entitlement for its current window, payment resumed
when it was suspended, a receipt each, and an audit event for every change — in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification
from api.certification.people import require_certifiable
from api.core.context import Rules
from api.core.operator import Operator
from api.payments.resume import resume_after_certification
from api.payments.transitions import held_by_detention
from api.receipts import service as receipts
from api.receipts.models import Receipt
from shared.cycle import local_date, window_for
from shared.emergency import active_on
from shared.enums import CertificationMethod, CertificationResult, PaymentState
from shared.schemas import PaymentResumed, ReceiptPublic

# The person's own face checked (self or with a family helper's phone); everything else is "other means".
FACE_METHODS = frozenset({CertificationMethod.SELF_FACE, CertificationMethod.FAMILY_FACE})


@dataclass(frozen=True, slots=True)
class Recorded:
    certifications: tuple[Certification, ...]
    receipts: tuple[ReceiptPublic, ...]
    resumed: tuple[PaymentResumed, ...]


def record_passed(
    session: Session,
    *,
    person: Beneficiary,
    method: CertificationMethod,
    operator: Operator,
    rules: Rules,
    now: datetime,
    evidence: list[str] | None = None,
    reason: str | None = None,
) -> Recorded:
    """A passed certification of ``person`` at ``now`` for every entitlement that is not stopped."""
    entitlements = require_certifiable(session, person)
    region_path = rules.region_paths.path(session, person.region_code)
    today = local_date(now, person.time_zone)
    evidence = list(evidence or [])
    emergency = active_on(rules.policy.emergencies, today, region_path)
    if emergency is not None and method not in FACE_METHODS:
        evidence.append(emergency.flag)  # made by other means during an emergency: checked again later
    certifications: list[Certification] = []
    issued: list[ReceiptPublic] = []
    resumed: list[PaymentResumed] = []
    for entitlement in entitlements:
        policy = rules.policy.policy_for(region_path, entitlement.benefit_type)
        window = window_for(policy, person.birth_date, today)
        certification = Certification(
            beneficiary_id=person.id,
            entitlement_id=entitlement.id,
            window_start=window.start,
            window_end=window.end,
            method=method,
            operator_kind=operator.kind,
            operator_id=operator.account_id,
            result=CertificationResult.PASSED,
            evidence=list(evidence),
            certified_at=now,
            local_date=today,
        )
        session.add(certification)
        session.flush()
        receipt: Receipt = receipts.issue(session, certification=certification, person=person)
        audit.record(
            session,
            actor=operator.actor,
            action="certification.record",
            entity_type="certification",
            entity_id=certification.id,
            after={
                "beneficiary_id": person.id,
                "entitlement_id": entitlement.id,
                "method": method,
                "result": CertificationResult.PASSED,
                "window": [window.start, window.end],
                "local_date": today,
                "receipt_id": receipt.id,
                "evidence": certification.evidence,
            },
            reason=reason,
            region=person.region_code,  # the person's county chain: counties never queue on one head row
        )
        # A detention suspension stays: only a release record or a reviewer lifts it (api.payments).
        if entitlement.payment_state is PaymentState.SUSPENDED and not held_by_detention(entitlement):
            row = resume_after_certification(
                session,
                entitlement,
                certification_id=certification.id,
                certified_on=today,
                policy=rules.policy,
                region_paths=rules.region_paths,
                actor=operator.actor,
                reason=reason or "late certification",
            )
            resumed.append(
                PaymentResumed(
                    benefit_type=entitlement.benefit_type,
                    resume_month=str(row.resume_month),
                    back_pay_months=row.back_pay_months,
                    back_pay_cents=row.back_pay_cents,
                )
            )
        certifications.append(certification)
        issued.append(receipts.public(receipt, certification, person, key=rules.secret_key))
    return Recorded(tuple(certifications), tuple(issued), tuple(resumed))
