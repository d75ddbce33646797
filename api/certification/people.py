"""Finding the person a request is about, and the facts every flow needs about them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Entitlement
from api.core.errors import ApiError
from api.regions.scope import NATIONAL, RegionScope
from api.status.service import names_match
from shared.enums import PaymentState
from shared.idnumber import IdNumberError, mask_id, mask_name, parse_id_number

NOT_FOUND_MESSAGE = (
    "We could not find this ID number with this name. Check both against the ID card, "
    "or ask at your service point."
)


def normalised_id(id_number: str) -> str:
    """The 18-character ID number; 422 with the parser's plain message when it is not valid."""
    try:
        return parse_id_number(id_number).number
    except IdNumberError as exc:
        raise ApiError(422, "invalid_id_number", exc.message) from None


def find_person(
    session: Session,
    id_number: str,
    name: str,
    *,
    scope: RegionScope = NATIONAL,
    for_update: bool = False,
) -> Beneficiary:
    """The beneficiary with this ID number and name; the same 404 for an unknown ID, a wrong name and a
    person outside the staff member's region ``scope``."""
    number = normalised_id(id_number)
    query = sa.select(Beneficiary).where(Beneficiary.id_number == number, scope.people())
    if for_update:
        query = query.with_for_update()
    person = session.execute(query).scalar_one_or_none()
    if person is None or not names_match(name, person.name):
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    return person


def certifiable_entitlements(session: Session, person: Beneficiary) -> list[Entitlement]:
    """Entitlements a certification applies to (every one not stopped), oldest first."""
    return list(
        session.execute(
            sa.select(Entitlement)
            .where(Entitlement.beneficiary_id == person.id, Entitlement.payment_state != PaymentState.STOPPED)
            .order_by(Entitlement.id)
        ).scalars()
    )


def require_certifiable(session: Session, person: Beneficiary) -> list[Entitlement]:
    if person.deceased_on is not None:
        raise ApiError(
            409, "not_certifiable", "This person's benefits have ended; no certification is needed."
        )
    entitlements = certifiable_entitlements(session, person)
    if not entitlements:
        raise ApiError(409, "not_certifiable", "This person has no benefit that needs certifying.")
    return entitlements


def masked(person: Beneficiary) -> tuple[str, str]:
    return mask_name(person.name), mask_id(person.id_number)
