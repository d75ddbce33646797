"""Status lookup: find the person, check the name, evaluate each entitlement's certification cycle."""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from shared import cycle
from shared.enums import CertificationMethod, CertificationResult, PaymentState
from shared.idnumber import mask_id, mask_name
from shared.months import YearMonth
from shared.policy import PolicyTable
from shared.schemas import EntitlementStatus, StatusResponse


def normalise_name(name: str) -> str:
    """Compatibility-normalised, whitespace removed, case-folded: "张 三" == "张三", "ＪＯＨＮ smith" ==
    "John Smith"."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def names_match(given: str, on_record: str) -> bool:
    return hmac.compare_digest(normalise_name(given).encode(), normalise_name(on_record).encode())


def _month(ym: object | None) -> str | None:
    return None if ym is None else str(ym)


def lookup_status(
    session: Session,
    *,
    id_number: str,
    name: str,
    now_utc: datetime,
    policy: PolicyTable,
    region_path: Callable[[Session, str], Sequence[str]],
) -> StatusResponse | None:
    """The person's status, or None when the ID is unknown *or* the name does not match (the caller
    answers both the same way, so nobody can learn who is on the roll)."""
    person = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == id_number)
    ).scalar_one_or_none()
    if person is None or not names_match(name, person.name):
        return None

    today = cycle.local_date(now_utc, person.time_zone)
    entitlements = (
        session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id).order_by(Entitlement.id)
        )
        .scalars()
        .all()
    )
    passed = session.execute(
        sa.select(Certification.entitlement_id, Certification.local_date, Certification.method)
        .where(
            Certification.beneficiary_id == person.id,
            Certification.result == CertificationResult.PASSED,
        )
        .order_by(Certification.certified_at)
    ).all()
    path = region_path(session, person.region_code)

    statuses = [
        _entitlement_status(ent, passed, person.birth_date, today, policy, path, person.time_zone)
        for ent in entitlements
    ]
    return StatusResponse(
        masked_name=mask_name(person.name),
        masked_id_number=mask_id(person.id_number),
        residence_kind=person.residence_kind,
        time_zone=person.time_zone,
        today=today,
        entitlements=statuses,
    )


def entitled_since(ent: Entitlement, time_zone: str) -> date:
    """The day the entitlement began: the roster's value, else the local date the row was created."""
    if ent.entitled_since is not None:
        return ent.entitled_since
    return cycle.local_date(ent.created_at, time_zone)


def _entitlement_status(
    ent: Entitlement,
    passed: Sequence[sa.Row[tuple[int | None, date, CertificationMethod]]],
    birth_date: date,
    today: date,
    policy: PolicyTable,
    region_path: Sequence[str],
    time_zone: str,
) -> EntitlementStatus:
    # A certification of the person (entitlement_id NULL) counts for every entitlement they hold.
    mine = [row for row in passed if row.entitlement_id in (None, ent.id)]
    dates = sorted(row.local_date for row in mine)
    last_method = mine[-1].method if mine else None

    suspended_since = (
        YearMonth.parse(ent.suspended_since)
        if ent.payment_state is PaymentState.SUSPENDED and ent.suspended_since
        else None
    )
    status = cycle.evaluate(
        policy.policy_for(region_path, ent.benefit_type),
        birth_date,
        dates,
        today,
        payment_state=ent.payment_state,
        suspended_since=suspended_since,
        entitled_since=entitled_since(ent, time_zone),
    )
    return EntitlementStatus(
        benefit_type=ent.benefit_type,
        payment_state=ent.payment_state,
        state=status.state,
        window_start=status.window.start,
        window_end=status.window.end,
        last_certified_on=status.last_certified,
        last_method=last_method,
        valid_until=status.valid_until,
        next_due=status.next_due,
        days_left=status.days_left,
        suspend_from=_month(status.suspend_from),
        suspended_since=ent.suspended_since if ent.payment_state is PaymentState.SUSPENDED else None,
    )
