"""Home-visit requests: asked for by the person, a family helper or staff; scheduled by staff (a date and
the staff member who will visit, with a notice to the person); closed as done (with the certification or
visit record it produced) or could-not-reach. Every state change goes through :func:`transition` and
writes an audit event, in the caller's transaction.

States (shared.enums.VisitState)::

    requested ──► scheduled ──► done
        │            │  ▲
        │            └──┘ (rescheduled: another date or worker)
        │            └────────► could_not_reach
        └─────────────────────► could_not_reach

One open request (requested or scheduled) per person: asking again returns the open one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import audit
from api.audit import CHAIN_HEAD_ID, AuditChainHead
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, Certification
from api.certification.people import require_certifiable
from api.core.errors import ApiError
from api.core.operator import Operator
from api.notify import outbox
from api.worklist.models import OPEN_STATES, VisitRequest
from api.worklist.scope import staff_scope
from shared.cycle import local_date
from shared.enums import CertificationResult, StaffRole, VisitRequestReason, VisitState
from shared.i18n.notices import language_of, notice, written_date
from shared.idnumber import mask_name

VISITING_ROLES = frozenset({StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN})


def open_request_of(session: Session, person_id: int) -> VisitRequest | None:
    return session.execute(
        sa.select(VisitRequest).where(VisitRequest.open_for == person_id)
    ).scalar_one_or_none()


def _writer_lock(session: Session) -> None:
    """Take the audit chain's append lock before reading (every change here ends with an audit event, which
    takes it anyway): on SQLite the transaction becomes the single writer before it looks for an open
    request, on PostgreSQL the chain head row is locked until commit — so of two simultaneous requests the
    second sees the first one's row instead of failing on the one-open-request constraint."""
    session.execute(
        sa.update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq)
        .execution_options(synchronize_session=False)
    )


def create(
    session: Session,
    *,
    person: Beneficiary,
    reason: VisitRequestReason,
    requested_by: Operator,
    now: datetime,
    phone: str | None = None,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[VisitRequest, bool]:
    """The person's open request: a new one (True), or the one already open or made with this
    Idempotency-Key (False). Two requests at once for one person make one request: the second waits for
    the first (see :func:`_writer_lock`) and then finds it."""
    _writer_lock(session)
    if idempotency_key is not None:
        earlier = session.execute(
            sa.select(VisitRequest).where(VisitRequest.idempotency_key == idempotency_key)
        ).scalar_one_or_none()
        if earlier is not None:
            if earlier.beneficiary_id != person.id:
                raise ApiError(
                    422, "idempotency_key_reused", "This Idempotency-Key was already used for another person."
                )
            return earlier, False
    existing = open_request_of(session, person.id)
    if existing is not None:
        return existing, False
    require_certifiable(session, person)
    request = VisitRequest(
        beneficiary_id=person.id,
        open_for=person.id,
        state=VisitState.REQUESTED,
        reason=reason,
        note=note,
        contact_phone=phone,
        requested_by_kind=requested_by.kind,
        requested_by_id=requested_by.account_id,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    try:
        session.flush()
    except IntegrityError:
        # Another request for this person (or with this key) was committed meanwhile.
        raise ApiError(
            409, "conflict", "A visit request was just made for this person; please reload."
        ) from None
    audit.record(
        session,
        actor=requested_by.actor,
        action="visit_request.create",
        entity_type="visit_request",
        entity_id=request.id,
        after={
            "beneficiary_id": person.id,
            "state": request.state,
            "reason": reason,
            "note": note,
            "contact_phone": phone,
        },
    )
    return request, True


def check_move(old: VisitState, new: VisitState) -> None:
    """409 ``invalid_transition`` unless ``old`` → ``new`` is drawn in the module docstring."""
    match (old, new):
        case (VisitState.REQUESTED | VisitState.SCHEDULED, VisitState.SCHEDULED):
            pass
        case (VisitState.SCHEDULED, VisitState.DONE):
            pass
        case (VisitState.REQUESTED | VisitState.SCHEDULED, VisitState.COULD_NOT_REACH):
            pass
        case _:
            raise ApiError(
                409,
                "invalid_transition",
                f"A visit request that is {old.value} cannot become {new.value}.",
            )


def transition(
    session: Session,
    request: VisitRequest,
    new: VisitState,
    *,
    actor: str,
    now: datetime,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> VisitRequest:
    """The only way a request changes state; 409 ``invalid_transition`` for any move not drawn above."""
    old = request.state
    check_move(old, new)
    changes = dict(changes or {})
    before = {"state": old, **{k: getattr(request, k) for k in changes}}
    for key, value in changes.items():
        setattr(request, key, value)
    request.state = new
    request.updated_at = now
    if new not in OPEN_STATES:
        request.open_for = None
        request.closed_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"visit_request.{'reschedule' if old is new else new.value}",
        entity_type="visit_request",
        entity_id=request.id,
        before=before,
        after={"state": new, **changes},
        reason=reason,
    )
    return request


def get_in_scope(
    session: Session, request_id: int, staff: StaffUser, *, for_update: bool = False
) -> VisitRequest:
    """The request, when its person is in the staff member's region (404 otherwise, as for none)."""
    query = (
        sa.select(VisitRequest)
        .join(Beneficiary, Beneficiary.id == VisitRequest.beneficiary_id)
        .where(VisitRequest.id == request_id, staff_scope(staff))
    )
    if for_update:
        query = query.with_for_update(of=VisitRequest)
    request = session.execute(query).scalar_one_or_none()
    if request is None:
        raise ApiError(404, "not_found", "No visit request with this number in your region.")
    return request


def _worker(session: Session, worker_id: int, person_id: int) -> StaffUser:
    worker = session.get(StaffUser, worker_id)
    if worker is None or not worker.active or worker.role not in VISITING_ROLES:
        raise ApiError(
            422, "invalid_worker", "The visiting worker must be an active coordinator, reviewer or admin."
        )
    covers = session.execute(
        sa.select(Beneficiary.id).where(Beneficiary.id == person_id, staff_scope(worker))
    ).first()
    if covers is None:
        raise ApiError(422, "invalid_worker", "The visiting worker does not serve this person's region.")
    return worker


def schedule(
    session: Session,
    request: VisitRequest,
    *,
    on: date,
    worker_id: int,
    staff: StaffUser,
    now: datetime,
) -> VisitRequest:
    """Set (or move) the visit date and the visiting worker; the person gets a notice naming them."""
    check_move(request.state, VisitState.SCHEDULED)
    if on < local_date(now, None):
        raise ApiError(422, "past_date", "A visit cannot be scheduled for a day that has passed.")
    worker = _worker(session, worker_id, request.beneficiary_id)
    transition(
        session,
        request,
        VisitState.SCHEDULED,
        actor=f"staff:{staff.id}",
        now=now,
        changes={"scheduled_on": on, "worker_id": worker.id},
    )
    person = session.get_one(Beneficiary, request.beneficiary_id)
    outbox.queue(
        session,
        dedupe_key=f"visit:{request.id}:{on.isoformat()}:{worker.id}",
        template="visit_scheduled",
        beneficiary_id=person.id,
        recipient=request.contact_phone or person.phone,
        body=notice(
            person.language,
            "notice.visit_scheduled",
            name=mask_name(person.name),
            date=written_date(language_of(person.language), on),
            worker=worker.name,
        ),
    )
    return request


def _certification_for(
    session: Session, request: VisitRequest, certification_id: int | None
) -> Certification:
    query = sa.select(Certification).where(
        Certification.beneficiary_id == request.beneficiary_id,
        Certification.result == CertificationResult.PASSED,
    )
    if certification_id is not None:
        found = session.execute(query.where(Certification.id == certification_id)).scalar_one_or_none()
        if found is None:
            raise ApiError(
                422, "invalid_certification", "This is not a passed certification of the person visited."
            )
        return found
    found = session.execute(
        query.where(Certification.certified_at >= request.created_at)
        .order_by(Certification.certified_at.desc(), Certification.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if found is None:
        raise ApiError(
            409,
            "no_certification",
            "The person has no certification since the request: certify on the visit, or record the visit.",
        )
    return found


def mark_done(
    session: Session, request: VisitRequest, *, certification_id: int | None, staff: StaffUser, now: datetime
) -> VisitRequest:
    check_move(request.state, VisitState.DONE)  # before looking for the certification
    certification = _certification_for(session, request, certification_id)
    return transition(
        session,
        request,
        VisitState.DONE,
        actor=f"staff:{staff.id}",
        now=now,
        changes={"certification_id": certification.id},
    )


def could_not_reach(
    session: Session, request: VisitRequest, *, reason: str, staff: StaffUser, now: datetime
) -> VisitRequest:
    return transition(
        session,
        request,
        VisitState.COULD_NOT_REACH,
        actor=f"staff:{staff.id}",
        now=now,
        changes={"outcome_note": reason},
        reason=reason,
    )
