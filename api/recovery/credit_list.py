"""The credit-list export: the cases put on the list of serious breaches of trust (refused to repay an
overpayment of 3,000 yuan or more, policy 000_c56d17e22ccc8830.txt), as CSV for the public credit
information platform. Full names and ID numbers: the platform needs them; every export is audited."""

from __future__ import annotations

import io

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.comparison.models import RecoveryCase
from api.core import csv_safe
from api.recovery.models import RecoveryRepayment, RecoveryStep
from api.regions.scope import RegionScope
from shared.recovery import CREDIT_LIST_THRESHOLD_CENTS, RecoveryState

HEADER = (
    "case_id",
    "name",
    "id_number",
    "region_code",
    "death_date",
    "overpaid_months",
    "amount_yuan",
    "outstanding_yuan",
    "refused_on",
    "listed_on",
)
LISTED = (RecoveryState.CREDIT_LISTED.value, RecoveryState.COURT_REFERRED.value)


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _last_step_on(session: Session, case_id: int, state: RecoveryState) -> str:
    on = session.execute(
        sa.select(RecoveryStep.on)
        .where(RecoveryStep.case_id == case_id, RecoveryStep.to_state == state)
        .order_by(RecoveryStep.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return on.isoformat() if on else ""


def export(session: Session, *, scope: RegionScope, actor: str) -> str:
    """The CSV text: every case in ``scope`` that was credit-listed (still listed, or since referred to the
    court) and is of at least 3,000 yuan. Only a refused case can be listed (shared/recovery.py), so the
    flag with the state is the refusal; the amount is checked again all the same."""
    paid = (
        sa.select(RecoveryRepayment.case_id, sa.func.sum(RecoveryRepayment.amount_cents).label("repaid"))
        .group_by(RecoveryRepayment.case_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(RecoveryCase, Beneficiary, sa.func.coalesce(paid.c.repaid, 0))
        .join(Beneficiary, Beneficiary.id == RecoveryCase.beneficiary_id)
        .outerjoin(paid, paid.c.case_id == RecoveryCase.id)
        .where(
            scope.people(),
            RecoveryCase.credit_list_referral.is_(True),
            RecoveryCase.status.in_(LISTED),
            RecoveryCase.amount_cents >= CREDIT_LIST_THRESHOLD_CENTS,
        )
        .order_by(RecoveryCase.id)
    ).all()
    out = io.StringIO()
    w = csv_safe.writer(out)
    w.writerow(HEADER)
    ids: list[int] = []
    for case, person, repaid in rows:
        ids.append(case.id)
        w.writerow(
            (
                case.id,
                person.name,
                person.id_number,
                person.region_code,
                case.death_date.isoformat(),
                case.months,
                _yuan(case.amount_cents),
                _yuan(max(0, case.amount_cents - int(repaid))),
                _last_step_on(session, case.id, RecoveryState.REFUSED),
                _last_step_on(session, case.id, RecoveryState.CREDIT_LISTED),
            )
        )
    audit.record(
        session,
        actor=actor,
        action="recovery.credit_list_export",
        entity_type=ENTITY,
        entity_id=scope.region_code or "national",
        after={"cases": ids},
    )
    return out.getvalue()


ENTITY = "recovery_credit_list"
