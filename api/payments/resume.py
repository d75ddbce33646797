"""Resuming a suspended entitlement: after a passed certification (back pay recorded), or after a release
from detention (a release record or a reviewer) — state changed through the one transition function,
audit event written, all in the caller's transaction.

A detention suspension is never lifted by a certification: :func:`resume_after_certification` raises
:class:`~api.payments.transitions.HeldByDetention` for it (callers check :func:`held_by_detention` first
and keep the certification while payment stays suspended)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Entitlement
from api.certification.models import PaymentResumption
from api.core.region_paths import RegionPaths
from api.payments.transitions import HeldByDetention, held_by_detention, transition
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
    if held_by_detention(ent):
        raise HeldByDetention(
            f"entitlement {ent.id} is suspended for a detention since {ent.suspended_since}: a certification "
            "does not lift it; it needs a release record or a reviewer"
        )
    person = session.get_one(Beneficiary, ent.beneficiary_id)  # the foreign key guarantees it
    rule = policy.policy_for(region_paths.path(session, person.region_code), ent.benefit_type)
    since = ent.suspended_since or YearMonth.of(certified_on)
    since = min(since, YearMonth.of(certified_on))
    plan = resumption(rule, person.birth_date, since, certified_on)
    back_pay = plan.back_pay_cents(ent.monthly_cents)
    row = PaymentResumption(
        entitlement_id=ent.id,
        certification_id=certification_id,
        suspended_since=since,
        resume_month=plan.resume_month,
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


def release_from_detention(
    session: Session, ent: Entitlement, *, released_on: date, actor: str, reason: str
) -> YearMonth:
    """Lift a detention suspension (a release record or a reviewer's decision): payment resumes from the
    month after the release; the months of detention are not paid back. Returns the resume month."""
    if not held_by_detention(ent):
        raise ValueError(f"entitlement {ent.id} is not suspended for a detention")
    resume_month = YearMonth.of(released_on).next()
    transition(
        session,
        ent,
        PaymentState.ACTIVE,
        actor=actor,
        reason=reason,
        release=True,
        extra={
            "resume_month": str(resume_month),
            "released_on": released_on.isoformat(),
            "back_pay_cents": 0,
        },
    )
    return resume_month
