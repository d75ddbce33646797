"""Recovery cases (追缴): move a case one allowed step on, record repayments, read a case with its ledger
and history — each change in the caller's transaction, with the audit trail.

The steps allowed are :mod:`shared.recovery`'s; a wrong step is 409 ``recovery_step_not_allowed``, the
credit list for a case that does not qualify 409 ``recovery_not_creditable``. The outstanding amount is the
case's amount less its ledger; the repayment that brings it to zero moves the case to ``repaid``. A case is
found only when its person is in the staff member's region scope (else the 404 of an unknown case).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.comparison.models import RecoveryCase
from api.core.errors import ApiError
from api.recovery.models import RecoveryRepayment, RecoveryStep
from api.regions.scope import NATIONAL, RegionScope
from shared.backoffice_schemas import (
    RecoveryCaseDetail,
    RecoveryCaseSummary,
    RecoveryRepaymentCreate,
    RecoveryRepaymentPublic,
    RecoveryStepCreate,
    RecoveryStepPublic,
)
from shared.idnumber import mask_id, mask_name
from shared.recovery import (
    CREDIT_LIST_THRESHOLD_CENTS,
    TAKES_REPAYMENTS,
    Agreement,
    RecoveryState,
    RepaymentKind,
    may_credit_list,
    next_steps,
    outstanding,
    step_allowed,
)

ENTITY = "recovery_case"


def get(session: Session, case_id: int, *, scope: RegionScope = NATIONAL, lock: bool = False) -> RecoveryCase:
    """The case, if its person is in ``scope``; 404 otherwise. ``lock``: held until the transaction ends
    (two clerks recording at once cannot both take the last yuan)."""
    query = (
        sa.select(RecoveryCase)
        .join(Beneficiary, Beneficiary.id == RecoveryCase.beneficiary_id)
        .where(RecoveryCase.id == case_id, scope.people())
    )
    if lock:
        query = query.with_for_update(of=RecoveryCase)
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise ApiError(404, "not_found", "No such recovery case.")
    return case


def repaid_cents(session: Session, case_id: int) -> int:
    total = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(RecoveryRepayment.amount_cents), 0)).where(
            RecoveryRepayment.case_id == case_id
        )
    ).scalar_one()
    return int(total)


def _not_in_future(on: date | None, today: date) -> date:
    if on is None:
        return today
    if on > today:
        raise ApiError(
            422, "recovery_date_in_future", "This date is in the future.", params={"date": on.isoformat()}
        )
    return on


def _region(session: Session, case: RecoveryCase) -> str:
    return session.get_one(Beneficiary, case.beneficiary_id).region_code


def _move(
    session: Session,
    case: RecoveryCase,
    target: RecoveryState,
    *,
    on: date,
    note: str,
    documents: list[str],
    staff_id: int | None,
    actor: str,
) -> RecoveryStep:
    before = {"state": case.status, "agreement": case.agreement, "credit_listed": case.credit_list_referral}
    step = RecoveryStep(
        case_id=case.id,
        from_state=RecoveryState(case.status),
        to_state=target,
        on=on,
        staff_id=staff_id,
        note=note,
        documents=documents,
    )
    session.add(step)
    case.status = target.value
    if target is RecoveryState.CREDIT_LISTED:
        case.credit_list_referral = True
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"recovery.{target.value}",
        entity_type=ENTITY,
        entity_id=case.id,
        before=before,
        after={
            "state": case.status,
            "agreement": case.agreement,
            "credit_listed": case.credit_list_referral,
            "on": on,
            "note": note,
            "documents": documents,
        },
        reason=note,
        region=_region(session, case),
    )
    return step


def step(
    session: Session,
    case: RecoveryCase,
    body: RecoveryStepCreate,
    *,
    today: date,
    staff_id: int,
    actor: str,
) -> RecoveryStep:
    """Move ``case`` one step on, as ``body`` says (409 when the step is not allowed from where it is)."""
    current, target = RecoveryState(case.status), RecoveryState(body.to)
    if not step_allowed(current, target):
        raise ApiError(
            409,
            "recovery_step_not_allowed",
            f"A case that is {current.value} cannot be moved to {target.value}.",
            params={"from": current.value, "to": target.value},
        )
    on = _not_in_future(body.on, today)
    if target is RecoveryState.AGREED:
        if body.agreement is None:
            raise ApiError(
                422, "recovery_agreement_missing", "Say how they agreed to repay: instalments or deduction."
            )
        case.agreement = Agreement(body.agreement).value
    elif body.agreement is not None:
        raise ApiError(422, "recovery_agreement_unexpected", "Only an agreement says how they will repay.")
    if target is RecoveryState.CREDIT_LISTED:
        owed = outstanding(case.amount_cents, [repaid_cents(session, case.id)])
        if not may_credit_list(state=current, amount_cents=case.amount_cents, outstanding_cents=owed):
            raise ApiError(
                409,
                "recovery_not_creditable",
                "Only a refused case of 3,000 yuan or more goes on the credit list.",
                params={"amount_cents": case.amount_cents, "threshold_cents": CREDIT_LIST_THRESHOLD_CENTS},
            )
    return _move(
        session, case, target, on=on, note=body.note, documents=body.documents, staff_id=staff_id, actor=actor
    )


def record_repayment(
    session: Session,
    case: RecoveryCase,
    body: RecoveryRepaymentCreate,
    *,
    today: date,
    staff_id: int,
    actor: str,
) -> RecoveryRepayment:
    """Add a repayment to the ledger (the case must be locked by the caller: :func:`get` with ``lock``);
    more than is still owed is 409 ``recovery_over_balance``. The one that clears the balance moves the
    case to ``repaid``."""
    state = RecoveryState(case.status)
    before_cents = repaid_cents(session, case.id)
    owed = outstanding(case.amount_cents, [before_cents])
    if state not in TAKES_REPAYMENTS or body.amount_cents > owed:
        raise ApiError(
            409,
            "recovery_over_balance",
            f"Only {owed} cents are still owed on this case.",
            params={"outstanding_cents": owed, "amount_cents": body.amount_cents},
        )
    on = _not_in_future(body.on, today)
    entry = RecoveryRepayment(
        case_id=case.id,
        on=on,
        amount_cents=body.amount_cents,
        kind=RepaymentKind(body.kind),
        staff_id=staff_id,
        note=body.note,
    )
    session.add(entry)
    session.flush()
    left = owed - body.amount_cents
    audit.record(
        session,
        actor=actor,
        action="recovery.repayment",
        entity_type=ENTITY,
        entity_id=case.id,
        before={"repaid_cents": before_cents, "outstanding_cents": owed},
        after={
            "repayment_id": entry.id,
            "amount_cents": body.amount_cents,
            "kind": body.kind,
            "on": on,
            "repaid_cents": before_cents + body.amount_cents,
            "outstanding_cents": left,
        },
        reason=body.note,
        region=_region(session, case),
    )
    if left == 0:
        _move(
            session,
            case,
            RecoveryState.REPAID,
            on=on,
            note="repaid in full",
            documents=[],
            staff_id=staff_id,
            actor=actor,
        )
    return entry


# --- reading -------------------------------------------------------------------------------------------


def _summary(case: RecoveryCase, person: Beneficiary, repaid: int) -> dict[str, object]:
    return {
        "id": case.id,
        "holder_name": mask_name(person.name),
        "holder_id": mask_id(person.id_number),
        "region_code": person.region_code,
        "death_date": case.death_date,
        "first_month": str(case.first_month),
        "last_month": str(case.last_month),
        "months": case.months,
        "amount_cents": case.amount_cents,
        "repaid_cents": repaid,
        "outstanding_cents": outstanding(case.amount_cents, [repaid]),
        "state": case.status,
        "agreement": case.agreement,
        "credit_listed": case.credit_list_referral,
        "created_at": case.created_at,
    }


def _repaid_by_case() -> sa.Subquery:
    return (
        sa.select(
            RecoveryRepayment.case_id,
            sa.func.sum(RecoveryRepayment.amount_cents).label("repaid"),
        )
        .group_by(RecoveryRepayment.case_id)
        .subquery()
    )


def list_cases(
    session: Session, *, scope: RegionScope, state: RecoveryState | None, limit: int
) -> list[RecoveryCaseSummary]:
    paid = _repaid_by_case()
    query = (
        sa.select(RecoveryCase, Beneficiary, sa.func.coalesce(paid.c.repaid, 0))
        .join(Beneficiary, Beneficiary.id == RecoveryCase.beneficiary_id)
        .outerjoin(paid, paid.c.case_id == RecoveryCase.id)
        .where(scope.people())
        .order_by(RecoveryCase.id)
        .limit(limit)
    )
    if state is not None:
        query = query.where(RecoveryCase.status == state.value)
    return [
        RecoveryCaseSummary.model_validate(_summary(case, person, int(repaid)))
        for case, person, repaid in session.execute(query).all()
    ]


def detail(session: Session, case: RecoveryCase) -> RecoveryCaseDetail:
    person = session.get_one(Beneficiary, case.beneficiary_id)
    steps = (
        session.execute(
            sa.select(RecoveryStep).where(RecoveryStep.case_id == case.id).order_by(RecoveryStep.id)
        )
        .scalars()
        .all()
    )
    ledger = list(
        session.execute(
            sa.select(RecoveryRepayment)
            .where(RecoveryRepayment.case_id == case.id)
            .order_by(RecoveryRepayment.on, RecoveryRepayment.id)
        ).scalars()
    )
    steps = list(steps)
    repaid = sum(e.amount_cents for e in ledger)
    staff_ids = {s.staff_id for s in steps} | {e.staff_id for e in ledger}
    query = sa.select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(staff_ids - {None}))
    names: dict[int | None, str] = {row.id: row.name for row in session.execute(query)}
    state = RecoveryState(case.status)
    return RecoveryCaseDetail.model_validate(
        {
            **_summary(case, person, repaid),
            "next_steps": [s.value for s in next_steps(state)],
            "takes_repayments": state in TAKES_REPAYMENTS,
            "steps": [
                RecoveryStepPublic(
                    id=s.id,
                    from_state=s.from_state.value,
                    to_state=s.to_state.value,
                    on=s.on,
                    staff_id=s.staff_id,
                    staff_name=names.get(s.staff_id),
                    note=s.note,
                    documents=list(s.documents or []),
                    created_at=s.created_at,
                )
                for s in steps
            ],
            "repayments": [
                RecoveryRepaymentPublic(
                    id=e.id,
                    on=e.on,
                    amount_cents=e.amount_cents,
                    kind=e.kind.value,
                    staff_id=e.staff_id,
                    staff_name=names.get(e.staff_id),
                    note=e.note,
                    created_at=e.created_at,
                )
                for e in ledger
            ],
        }
    )
