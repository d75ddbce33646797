"""Status lookup: find the person, check the name, evaluate each entitlement's certification cycle.

This is the busiest public endpoint, so it runs two pre-built Core statements (person joined with their
entitlements and their latest home-visit request; their passed certifications) instead of ORM queries.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.review.models import ReviewItem, ReviewStatus
from api.worklist.models import OPEN_STATES, VisitRequest
from shared import cycle
from shared.enums import CertificationMethod, CertificationResult, CycleState, PaymentState
from shared.idnumber import mask_id, mask_name
from shared.policy import PolicyTable
from shared.schemas import EntitlementStatus, PendingReviewPublic, StatusResponse, VisitStatusPublic

_B = Beneficiary.__table__
_E = Entitlement.__table__
_C = Certification.__table__
_V = VisitRequest.__table__
_S = StaffUser.__table__
_R = ReviewItem.__table__
# A closed visit request is still shown this long (the person sees "done" or "could not reach" once).
CLOSED_VISIT_SHOWN = timedelta(days=30)
_V_LATEST = _V.alias("latest_visit")
_LATEST_VISIT = (
    sa.select(sa.func.max(_V_LATEST.c.id))
    .where(_V_LATEST.c.beneficiary_id == _B.c.id)
    .correlate(_B)
    .scalar_subquery()
)

PERSON_WITH_ENTITLEMENTS = (
    sa.select(
        _B.c.id,
        _B.c.id_number,
        _B.c.name,
        _B.c.birth_date,
        _B.c.region_code,
        _B.c.residence_kind,
        _B.c.time_zone,
        _E.c.id.label("entitlement_id"),
        _E.c.benefit_type,
        _E.c.payment_state,
        _E.c.suspended_since,
        _E.c.entitled_since,
        _E.c.created_at.label("entitlement_created_at"),
        _V.c.state.label("visit_state"),
        _V.c.created_at.label("visit_requested_at"),
        _V.c.scheduled_on.label("visit_scheduled_on"),
        _V.c.closed_at.label("visit_closed_at"),
        _S.c.name.label("visit_worker_name"),
    )
    .select_from(
        _B.outerjoin(_E, _E.c.beneficiary_id == _B.c.id)
        .outerjoin(_V, _V.c.id == _LATEST_VISIT)
        .outerjoin(_S, _S.c.id == _V.c.worker_id)
    )
    .where(_B.c.id_number == sa.bindparam("id_number"))
    .order_by(_E.c.id)
)

PASSED_CERTIFICATIONS = (
    sa.select(_C.c.entitlement_id, _C.c.local_date, _C.c.method)
    .where(
        _C.c.beneficiary_id == sa.bindparam("beneficiary_id"),
        _C.c.result == CertificationResult.PASSED,
    )
    .order_by(_C.c.certified_at)
)

# The latest submission still waiting for a reviewer (face, attestation, overseas form, visit record …).
PENDING_REVIEW = (
    sa.select(_R.c.reference, _R.c.kind, _R.c.created_at, _R.c.expected_by)
    .where(_R.c.beneficiary_id == sa.bindparam("beneficiary_id"), _R.c.status == ReviewStatus.PENDING)
    .order_by(_R.c.created_at.desc(), _R.c.id.desc())
    .limit(1)
)


def normalise_name(name: str) -> str:
    """Compatibility-normalised, whitespace removed, case-folded: "张 三" == "张三", "ＪＯＨＮ smith" ==
    "John Smith"."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def names_match(given: str, on_record: str) -> bool:
    return hmac.compare_digest(normalise_name(given).encode(), normalise_name(on_record).encode())


def lookup_status(
    conn: Connection | Any,
    *,
    id_number: str,
    name: str,
    now_utc: datetime,
    policy: PolicyTable,
    region_path: Callable[[Any, str], Sequence[str]],
) -> StatusResponse | None:
    """The person's status, or None when the ID is unknown *or* the name does not match (the caller
    answers both the same way, so nobody can learn who is on the roll). ``conn``: Connection or Session."""
    rows = conn.execute(PERSON_WITH_ENTITLEMENTS, {"id_number": id_number}).all()
    if not rows or not names_match(name, rows[0].name):
        return None
    person = rows[0]
    today = cycle.local_date(now_utc, person.time_zone)
    passed = conn.execute(PASSED_CERTIFICATIONS, {"beneficiary_id": person.id}).all()
    pending = conn.execute(PENDING_REVIEW, {"beneficiary_id": person.id}).first()
    path = region_path(conn, person.region_code)
    statuses = [
        _entitlement_status(row, passed, person.birth_date, today, policy, path, person.time_zone)
        for row in rows
        if row.entitlement_id is not None
    ]
    return StatusResponse(
        masked_name=mask_name(person.name),
        masked_id_number=mask_id(person.id_number),
        residence_kind=person.residence_kind,
        time_zone=person.time_zone,
        today=today,
        entitlements=statuses,
        visit=_visit(person, now_utc),
        pending_review=None
        if pending is None
        else PendingReviewPublic(
            reference=pending.reference,
            kind=str(pending.kind),
            submitted_on=cycle.local_date(pending.created_at, person.time_zone),
            expected_by=pending.expected_by,
        ),
    )


def _visit(row: sa.Row[*tuple[Any, ...]], now_utc: datetime) -> VisitStatusPublic | None:
    """The latest visit request: shown while open, and for 30 days after it was closed."""
    if row.visit_state is None:
        return None
    if row.visit_state not in OPEN_STATES and (
        row.visit_closed_at is None or now_utc - row.visit_closed_at > CLOSED_VISIT_SHOWN
    ):
        return None
    return VisitStatusPublic(
        state=row.visit_state,
        requested_on=cycle.local_date(row.visit_requested_at, row.time_zone),
        scheduled_on=row.visit_scheduled_on,
        worker_name=row.visit_worker_name,
        closed_on=None
        if row.visit_closed_at is None
        else cycle.local_date(row.visit_closed_at, row.time_zone),
    )


def entitled_since(since: date | None, created_at: datetime, time_zone: str) -> date:
    """The day the entitlement began: the roster's value, else the local date the row was created."""
    if since is not None:
        return since
    return cycle.local_date(created_at, time_zone)


def _entitlement_status(
    ent: sa.Row[*tuple[Any, ...]],
    passed: Sequence[sa.Row[int | None, date, CertificationMethod]],
    birth_date: date,
    today: date,
    policy: PolicyTable,
    region_path: Sequence[str],
    time_zone: str,
) -> EntitlementStatus:
    # A certification of the person (entitlement_id NULL) counts for every entitlement they hold.
    mine = [row for row in passed if row.entitlement_id in (None, ent.entitlement_id)]
    dates = [row.local_date for row in mine]
    last_method = mine[-1].method if mine else None
    suspended = ent.payment_state is PaymentState.SUSPENDED
    status = cycle.evaluate(
        policy.policy_for(region_path, ent.benefit_type),
        birth_date,
        dates,
        today,
        payment_state=ent.payment_state,
        suspended_since=ent.suspended_since if suspended else None,
        entitled_since=entitled_since(ent.entitled_since, ent.entitlement_created_at, time_zone),
    )
    if status.state is CycleState.STOPPED:  # stopped for good (death …): no window, no date to certify by
        return EntitlementStatus(
            benefit_type=ent.benefit_type,
            payment_state=ent.payment_state,
            state=status.state,
            last_certified_on=status.last_certified,
            last_method=last_method,
        )
    # A validity that has run out is not shown (an old date beside "paid as usual" reads as a contradiction).
    valid_until = status.valid_until if status.valid_until and status.valid_until >= today else None
    return EntitlementStatus(
        benefit_type=ent.benefit_type,
        payment_state=ent.payment_state,
        state=status.state,
        window_start=status.window.start,
        window_end=status.window.end,
        last_certified_on=status.last_certified,
        last_method=last_method,
        valid_until=valid_until,
        next_due=status.next_due,
        days_left=status.days_left,
        suspend_from=None if status.suspend_from is None else str(status.suspend_from),
        suspended_since=str(ent.suspended_since) if suspended and ent.suspended_since else None,
    )
