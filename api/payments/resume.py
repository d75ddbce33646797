"""Resuming a suspended entitlement after a passed certification: back pay recorded, state changed through
the one transition function, audit event written — all in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Entitlement
from api.certification.models import PaymentResumption
from api.payments.transitions import transition
from api.regions.service import RegionPaths
from shared.cycle import resumption
from shared.enums import PaymentState
from shared.months import YearMonth
from shared.policy import PolicyTable


def resume_after_certification(
    session: Session,
    ent: Entitlement,
    *,
    certification_id: int,
    certified_on: date,
    policy: PolicyTable,
    region_paths: RegionPaths,
    actor: str,
    reason: str = "certified after suspension",
) -> PaymentResumption:
    if ent.payment_state is not PaymentState.SUSPENDED:
        raise ValueError(f"entitlement {ent.id} is not suspended")
    person = session.get(Beneficiary, ent.beneficiary_id)
    rule = policy.policy_for(region_paths.path(session, person.region_code), ent.benefit_type)
    since = YearMonth.parse(ent.suspended_since) if ent.suspended_since else YearMonth.of(certified_on)
    since = min(since, YearMonth.of(certified_on))
    plan = resumption(rule, person.birth_date, since, certified_on)
    back_pay = plan.back_pay_cents(ent.monthly_cents)
    row = PaymentResumption(
        entitlement_id=ent.id,
        certification_id=certification_id,
        suspended_since=str(since),
        resume_month=str(plan.resume_month),
        back_pay_months=len(plan.back_pay_months),
        back_pay_cents=back_pay,
    )
    session.add(row)
    transition(
        session,
        ent,
        PaymentState.ACTIVE,
        actor=actor,
        reason=reason,
        extra={
            "resume_month": str(plan.resume_month),
            "back_pay_months": [str(m) for m in plan.back_pay_months],
            "back_pay_cents": back_pay,
            "certification_id": certification_id,
        },
    )
    return row
