"""A recovery case made the way the death feed makes one (a person, their entitlement, the overpaid
months), for the recovery tests and the region-scope table."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from api.beneficiaries.models import Entitlement
from api.comparison.models import RecoveryCase
from shared.months import YearMonth


def make_case(
    session,
    make_person,
    *,
    amount_cents: int = 4 * 312_550,
    region_code: str | None = None,
    name: str = "追缴测",
    state: str = "open",
) -> int:
    """A committed case of ``amount_cents`` about a new person (in ``region_code``), in ``state``."""
    person = make_person(name=name, region_code=region_code)
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    months = 4
    case = RecoveryCase(
        beneficiary_id=person.id,
        entitlement_id=ent.id,
        death_date=date(2026, 7, 10),
        first_month=YearMonth(2026, 8),
        last_month=YearMonth(2026, 11),
        months=months,
        monthly_cents=amount_cents // months,
        amount_cents=amount_cents,
        credit_list_referral=False,
        status=state,
    )
    session.add(case)
    session.commit()
    return case.id
