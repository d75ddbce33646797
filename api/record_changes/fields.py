"""Per field of a record change: the value now, checking a proposed value, the record's snapshot that
approval re-checks, and writing the approved value.

Person fields: name, ID number (a valid GB 11643 number no other person holds; sex and birth date follow
it), bank account (digits). Entitlement fields: monthly amount (integer cents), benefit type (one
entitlement of each type per person), status (the payment state, changed only through
api/payments/transitions.py: a suspension is lifted like a missed certification's, a stop is final).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Entitlement
from api.core.errors import ApiError
from api.payments import transitions
from shared.cycle import agency_today, months_through
from shared.enums import BenefitType, PaymentState, StopReason, SuspensionReason
from shared.idnumber import IdNumberError, parse_id_number
from shared.months import YearMonth
from shared.record_changes import BANK_ACCOUNT_RE, ChangeField, normalise_account

MAX_MONTHLY_CENTS = 1_000_000_000  # ten million yuan a month: anything above is a typing mistake
# The attribute each field writes (the key of its audit before/after).
COLUMN = {
    ChangeField.NAME: "name",
    ChangeField.ID_NUMBER: "id_number",
    ChangeField.BANK_ACCOUNT: "bank_account",
    ChangeField.MONTHLY_AMOUNT: "monthly_cents",
    ChangeField.BENEFIT_TYPE: "benefit_type",
    ChangeField.STATUS: "payment_state",
}


STATUS_KEYS = ("payment_state", "suspended_since", "suspension_reason", "stopped_from")


def basis(field: ChangeField, person: Beneficiary, ent: Entitlement | None) -> dict[str, Any]:
    """What the field's change depends on, as JSON — its value (for a status, the whole payment state):
    approval refuses when it differs from the proposal's (stale). Another field's approved change does not
    make it stale."""
    record = snapshot(person, ent)
    keys = STATUS_KEYS if field is ChangeField.STATUS else (COLUMN[field],)
    return {key: record[key] for key in keys}


def snapshot(person: Beneficiary, ent: Entitlement | None) -> dict[str, Any]:
    """The changeable part of the target record (person or entitlement), as JSON."""
    if ent is None:
        return {"name": person.name, "id_number": person.id_number, "bank_account": person.bank_account}
    return {
        "benefit_type": ent.benefit_type.value,
        "monthly_cents": ent.monthly_cents,
        "payment_state": ent.payment_state.value,
        "suspended_since": str(ent.suspended_since) if ent.suspended_since else None,
        "suspension_reason": ent.suspension_reason.value if ent.suspension_reason else None,
        "stopped_from": str(ent.stopped_from) if ent.stopped_from else None,
    }


def current(field: ChangeField, person: Beneficiary, ent: Entitlement | None) -> str | None:
    """The field's value now, as text."""
    value = snapshot(person, ent)[COLUMN[field]]
    return None if value is None else str(value)


def _invalid(field: ChangeField, message: str) -> ApiError:
    return ApiError(422, "change_value_invalid", message, params={"field": field.value})


def checked_value(
    session: Session,
    field: ChangeField,
    raw: str,
    person: Beneficiary,
    ent: Entitlement | None,
    from_month: str | None,
) -> str:
    """The proposed value in its stored form; 4xx when it cannot be accepted."""
    text = raw.strip()
    match field:
        case ChangeField.NAME:
            if not text:
                raise _invalid(field, "The name must not be empty.")
            return " ".join(text.split())
        case ChangeField.ID_NUMBER:
            try:
                number = parse_id_number(text).number
            except IdNumberError as exc:
                raise ApiError(422, "invalid_id_number", exc.message) from None
            require_id_number_free(session, number, person.id)
            return number
        case ChangeField.BANK_ACCOUNT:
            number = normalise_account(text)
            if not BANK_ACCOUNT_RE.match(number):
                raise _invalid(field, "A bank account number is 8 to 30 digits.")
            return number
        case ChangeField.MONTHLY_AMOUNT:
            if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_MONTHLY_CENTS:
                raise _invalid(field, f"The monthly amount is whole cents, 1 to {MAX_MONTHLY_CENTS}.")
            return str(int(text))
        case ChangeField.BENEFIT_TYPE:
            if text not in {b.value for b in BenefitType}:
                raise _invalid(field, "Unknown benefit type.")
            assert ent is not None
            unemployment = BenefitType.UNEMPLOYMENT
            if text != ent.benefit_type.value and unemployment in (BenefitType(text), ent.benefit_type):
                # its benefit period (ends_after) belongs to that type: a pension made from it would be
                # stopped by the monthly run, and unemployment benefit made from a pension has no period
                raise _invalid(
                    field,
                    "Unemployment benefit has its own benefit period: it is enrolled through the roster, "
                    "never made from another benefit type or into one.",
                )
            require_benefit_type_free(session, person.id, BenefitType(text), ent.id)
            return text
        case ChangeField.STATUS:
            if text not in {s.value for s in PaymentState}:
                raise _invalid(field, "The status is active, suspended or stopped.")
            assert ent is not None
            if text != ent.payment_state.value:
                _dry_run(ent, PaymentState(text), from_month)
            return text
    raise _invalid(field, "Unknown field.")  # pragma: no cover - the enum is exhaustive above


def require_id_number_free(session: Session, number: str, person_id: int) -> None:
    other = session.execute(
        sa.select(Beneficiary.id).where(Beneficiary.id_number == number, Beneficiary.id != person_id)
    ).scalar_one_or_none()
    if other is not None:
        raise ApiError(409, "id_number_taken", "Another person on the roll already has this ID number.")


def require_benefit_type_free(session: Session, person_id: int, benefit: BenefitType, ent_id: int) -> None:
    other = session.execute(
        sa.select(Entitlement.id).where(
            Entitlement.beneficiary_id == person_id,
            Entitlement.benefit_type == benefit,
            Entitlement.id != ent_id,
        )
    ).scalar_one_or_none()
    if other is not None:
        raise ApiError(409, "benefit_type_taken", "The person already has an entitlement of this type.")


def _status_args(new: PaymentState, from_month: str | None) -> dict[str, Any]:
    if new is PaymentState.ACTIVE:
        return {"release": True}
    if from_month is None:
        raise ApiError(
            422,
            "change_value_invalid",
            "Say from which month (YYYY-MM) the payment is suspended or stopped.",
            params={"field": "from_month"},
        )
    month = YearMonth.parse(from_month)
    if new is PaymentState.SUSPENDED:
        return {"month": month, "suspension_reason": SuspensionReason.MISSED_CERTIFICATION}
    return {"month": month, "stop_reason": StopReason.OTHER}


def _back_pay(ent: Entitlement, new: PaymentState) -> dict[str, Any] | None:
    """A suspension lifted by an approved change pays back like a late certification (policy rule 7: paid
    again from the month after, the suspended months up to this one paid back), in the resume event the
    payroll export reads; a detention's months are not paid back (as on a release record)."""
    if new is not PaymentState.ACTIVE or ent.payment_state is not PaymentState.SUSPENDED:
        return None
    if transitions.held_by_detention(ent):
        return {"back_pay_cents": 0}
    this_month = YearMonth.of(agency_today())
    months = months_through(ent.suspended_since or this_month, this_month)
    return {
        "resume_month": str(this_month.next()),
        "back_pay_months": [str(m) for m in months],
        "back_pay_cents": ent.monthly_cents * len(months),
    }


def _dry_run(ent: Entitlement, new: PaymentState, from_month: str | None) -> None:
    """Refuse now a status change the payment rules would refuse on approval (on a detached copy)."""
    copy = Entitlement(
        id=ent.id,
        payment_state=ent.payment_state,
        suspended_since=ent.suspended_since,
        suspension_reason=ent.suspension_reason,
        stopped_reason=ent.stopped_reason,
        stopped_from=ent.stopped_from,
    )
    try:
        transitions.apply(copy, new, **_status_args(new, from_month))
    except transitions.TransitionError as exc:
        raise ApiError(409, "change_not_allowed", str(exc)) from None


def write(
    session: Session,
    field: ChangeField,
    value: str,
    person: Beneficiary,
    ent: Entitlement | None,
    *,
    from_month: str | None,
    actor: str,
    reason: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write the approved value; returns (before, after) for the audit trail. Rechecks what another
    record may have taken meanwhile (ID number, benefit type)."""
    key = COLUMN[field]
    before = {key: snapshot(person, ent)[key]}
    match field:
        case ChangeField.NAME:
            person.name = value
        case ChangeField.ID_NUMBER:
            require_id_number_free(session, value, person.id)
            info = parse_id_number(value)
            before |= {"sex": person.sex, "birth_date": person.birth_date.isoformat()}
            person.id_number, person.sex, person.birth_date = info.number, info.sex, info.birth_date
        case ChangeField.BANK_ACCOUNT:
            person.bank_account = value
        case ChangeField.MONTHLY_AMOUNT:
            assert ent is not None
            ent.monthly_cents = int(value)
        case ChangeField.BENEFIT_TYPE:
            assert ent is not None
            require_benefit_type_free(session, person.id, BenefitType(value), ent.id)
            ent.benefit_type = BenefitType(value)
        case ChangeField.STATUS:
            assert ent is not None
            new = PaymentState(value)
            try:
                transitions.transition(
                    session,
                    ent,
                    new,
                    actor=actor,
                    reason=reason,
                    extra=_back_pay(ent, new),
                    **_status_args(new, from_month),
                )
            except transitions.TransitionError as exc:
                raise ApiError(409, "change_not_allowed", str(exc)) from None
    session.flush()
    after = {key: snapshot(person, ent)[key]}
    if field is ChangeField.ID_NUMBER:
        after |= {"sex": person.sex, "birth_date": person.birth_date.isoformat()}
    if field is ChangeField.STATUS and from_month:
        after["from_month"] = from_month
    return before, after
