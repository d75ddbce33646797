"""Propose, approve and reject changes to a person's record (separation of duties, region scope, audit).

* **Propose** (coordinators, reviewers, admins): the person must be in the proposer's region scope; the
  value is checked (api/record_changes/fields.py); a change to the value already there is refused
  (``change_no_op``), and so is a second pending proposal for the same person and field
  (``change_pending``). The target record's snapshot is kept with the proposal.
* **Approve / reject** (reviewers, admins): never the proposer (403 ``own_change``,
  api/review/duties.py); the person must be in the decider's scope (else the same 404 as for an unknown
  proposal) and still in the proposer's (409 ``proposer_out_of_scope``). Approval re-checks the snapshot
  (409 ``change_stale`` when the record changed since) and writes the value, the decision and the audit
  events — ``record_change.approve`` and ``record.change`` with before and after — in one transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, Entitlement
from api.core.db import utcnow
from api.core.errors import ApiError
from api.record_changes import fields
from api.record_changes.models import RecordChange
from api.regions.scope import RegionScope
from api.review.duties import require_not_proposer
from shared.enums import StaffRole
from shared.record_changes import (
    ChangeField,
    ChangeStatus,
    EntitlementRecord,
    PersonRecordPublic,
    RecordChangeCreate,
    RecordChangePublic,
    mask_account,
)

APPROVER_ROLES = frozenset({StaffRole.REVIEWER, StaffRole.ADMIN})
NOT_FOUND = "No such change."


def _actor(staff: StaffUser) -> str:
    return f"staff:{staff.id}"


def _pending_key(field: ChangeField, entitlement_id: int | None) -> str:
    return f"{field.value}:{entitlement_id}" if entitlement_id is not None else field.value


def person_in_scope(
    session: Session, person_id: int, scope: RegionScope, *, lock: bool = False
) -> Beneficiary:
    query = sa.select(Beneficiary).where(Beneficiary.id == person_id, scope.people())
    person = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if person is None:
        raise ApiError(404, "not_found", "No such person.")
    return person


def _entitlement(
    session: Session, person: Beneficiary, ent_id: int | None, *, lock: bool = False
) -> Entitlement:
    query = sa.select(Entitlement).where(Entitlement.id == ent_id, Entitlement.beneficiary_id == person.id)
    ent = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if ent is None:
        raise ApiError(404, "not_found", "The person has no such entitlement.")
    return ent


def propose(
    session: Session, body: RecordChangeCreate, *, staff: StaffUser, scope: RegionScope
) -> RecordChange:
    person = person_in_scope(session, body.person_id, scope)
    field = body.field
    ent: Entitlement | None = None
    if field.of_entitlement:
        if body.entitlement_id is None:
            raise ApiError(
                422,
                "change_value_invalid",
                "Say which entitlement the change is about.",
                params={"field": "entitlement_id"},
            )
        ent = _entitlement(session, person, body.entitlement_id)
    from_month = body.from_month if field is ChangeField.STATUS else None
    value = fields.checked_value(session, field, body.value, person, ent, from_month)
    before = fields.current(field, person, ent)
    if value == before:
        raise ApiError(422, "change_no_op", "This is the value already on record: nothing to change.")
    key = _pending_key(field, ent.id if ent else None)
    if _open(session, person.id, key) is not None:
        raise ApiError(409, "change_pending", "A change of this field is already waiting for approval.")
    change = RecordChange(
        beneficiary_id=person.id,
        entitlement_id=ent.id if ent else None,
        field=field,
        pending_key=key,
        before_value=before,
        after_value=value,
        from_month=from_month,
        basis=fields.basis(field, person, ent),
        reason=body.reason.strip(),
        evidence=(body.evidence or "").strip() or None,
        status=ChangeStatus.PENDING,
        proposed_by=staff.id,
    )
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except sa_exc.IntegrityError:  # a concurrent proposal for the same field won the unique key
        raise ApiError(
            409, "change_pending", "A change of this field is already waiting for approval."
        ) from None
    column = fields.COLUMN[field]
    audit.record(
        session,
        actor=_actor(staff),
        action="record_change.propose",
        entity_type="record_change",
        entity_id=change.id,
        before={column: fields.snapshot(person, ent)[column]},
        after={
            column: _typed(field, value),
            "entitlement_id": change.entitlement_id,
            "from_month": from_month,
        },
        reason=change.reason,
        region=person.region_code,
    )
    return change


def _typed(field: ChangeField, value: str) -> str | int:
    return int(value) if field is ChangeField.MONTHLY_AMOUNT else value


def _open(session: Session, person_id: int, key: str) -> RecordChange | None:
    return session.execute(
        sa.select(RecordChange).where(
            RecordChange.beneficiary_id == person_id, RecordChange.pending_key == key
        )
    ).scalar_one_or_none()


def get(
    session: Session, change_id: int, scope: RegionScope, *, lock: bool = False
) -> tuple[RecordChange, Beneficiary]:
    """A change about a person in ``scope`` (404 otherwise, as for an unknown one)."""
    query = (
        sa.select(RecordChange, Beneficiary)
        .join(Beneficiary, Beneficiary.id == RecordChange.beneficiary_id)
        .where(RecordChange.id == change_id, scope.people())
    )
    row = session.execute(query.with_for_update(of=RecordChange) if lock else query).one_or_none()
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return row[0], row[1]


def _decidable(
    session: Session, change_id: int, staff: StaffUser, scope: RegionScope
) -> tuple[RecordChange, Beneficiary]:
    change, person = get(session, change_id, scope, lock=True)
    if change.status is not ChangeStatus.PENDING:
        raise ApiError(
            409, "change_decided", "This change was already decided.", params={"status": change.status.value}
        )
    require_not_proposer(change.proposed_by, staff)
    proposer = session.get(StaffUser, change.proposed_by)
    if (
        proposer is None
        or session.execute(
            sa.select(Beneficiary.id).where(Beneficiary.id == person.id, RegionScope.of(proposer).people())
        ).scalar_one_or_none()
        is None
    ):
        raise ApiError(
            409,
            "proposer_out_of_scope",
            "The person is no longer in the proposer's region: propose it again.",
        )
    return change, person


def _close(change: RecordChange, status: ChangeStatus, staff: StaffUser, reason: str | None) -> None:
    change.status = status
    change.pending_key = None
    change.decided_by = staff.id
    change.decided_at = utcnow()
    change.decision_reason = reason


def approve(
    session: Session, change_id: int, *, staff: StaffUser, scope: RegionScope, note: str | None
) -> RecordChange:
    change, person = _decidable(session, change_id, staff, scope)
    person = person_in_scope(session, person.id, scope, lock=True)
    ent = (
        _entitlement(session, person, change.entitlement_id, lock=True)
        if change.field.of_entitlement
        else None
    )
    if fields.basis(change.field, person, ent) != change.basis:
        raise ApiError(
            409,
            "change_stale",
            "The record changed since this change was proposed: reject it and propose again.",
        )
    note = (note or "").strip() or None
    _close(change, ChangeStatus.APPROVED, staff, note)
    audit.record(
        session,
        actor=_actor(staff),
        action="record_change.approve",
        entity_type="record_change",
        entity_id=change.id,
        before={"status": ChangeStatus.PENDING},
        after={"status": change.status, "proposed_by": change.proposed_by},
        reason=note,
        region=person.region_code,
    )
    reason = f"record change {change.id} (proposed by staff:{change.proposed_by}): {change.reason}"
    before, after = fields.write(
        session,
        change.field,
        change.after_value,
        person,
        ent,
        from_month=change.from_month,
        actor=_actor(staff),
        reason=reason,
    )
    audit.record(
        session,
        actor=_actor(staff),
        action="record.change",
        entity_type="entitlement" if ent is not None else "beneficiary",
        entity_id=ent.id if ent is not None else person.id,
        before=before,
        after=after,
        reason=reason,
        region=person.region_code,
    )
    return change


def reject(
    session: Session, change_id: int, *, staff: StaffUser, scope: RegionScope, reason: str
) -> RecordChange:
    change, person = _decidable(session, change_id, staff, scope)
    _close(change, ChangeStatus.REJECTED, staff, reason.strip())
    audit.record(
        session,
        actor=_actor(staff),
        action="record_change.reject",
        entity_type="record_change",
        entity_id=change.id,
        before={"status": ChangeStatus.PENDING},
        after={"status": change.status, "proposed_by": change.proposed_by},
        reason=change.decision_reason,
        region=person.region_code,
    )
    return change


def pending(
    session: Session, scope: RegionScope, *, limit: int = 100
) -> list[tuple[RecordChange, Beneficiary]]:
    rows = session.execute(
        sa.select(RecordChange, Beneficiary)
        .join(Beneficiary, Beneficiary.id == RecordChange.beneficiary_id)
        .where(RecordChange.status == ChangeStatus.PENDING, scope.people())
        .order_by(RecordChange.id)
        .limit(limit)
    ).all()
    return [(c, p) for c, p in rows]


# --- what staff see --------------------------------------------------------------------------------


def can_decide(change: RecordChange, viewer: StaffUser) -> bool:
    return (
        change.status is ChangeStatus.PENDING
        and viewer.role in APPROVER_ROLES
        and viewer.id != change.proposed_by
    )


def _shown(change: RecordChange, value: str | None, viewer: StaffUser) -> str | None:
    """A bank account in full only to the staff member who may approve (or did approve) the change."""
    if change.field is not ChangeField.BANK_ACCOUNT:
        return value
    if can_decide(change, viewer) or (
        change.decided_by == viewer.id and change.status is ChangeStatus.APPROVED
    ):
        return value
    return mask_account(value)


def public(
    session: Session, change: RecordChange, person: Beneficiary, viewer: StaffUser
) -> RecordChangePublic:
    ids = [i for i in (change.proposed_by, change.decided_by) if i is not None]
    query = sa.select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))
    names: dict[int, str] = {row.id: row.name for row in session.execute(query)}
    ent = session.get(Entitlement, change.entitlement_id) if change.entitlement_id else None
    return RecordChangePublic(
        id=change.id,
        person_id=person.id,
        person_name=person.name,
        id_number=person.id_number,
        field=change.field,
        entitlement_id=change.entitlement_id,
        benefit_type=ent.benefit_type.value if ent else None,
        before=_shown(change, change.before_value, viewer),
        after=_shown(change, change.after_value, viewer) or "",
        from_month=change.from_month,
        reason=change.reason,
        evidence=change.evidence,
        status=change.status,
        proposed_by=change.proposed_by,
        proposed_by_name=names.get(change.proposed_by, ""),
        proposed_at=change.proposed_at,
        decided_by=change.decided_by,
        decided_by_name=names.get(change.decided_by) if change.decided_by else None,
        decided_at=change.decided_at,
        decision_reason=change.decision_reason,
        can_decide=can_decide(change, viewer),
    )


def history(session: Session, person_id: int, *, scope: RegionScope, viewer: StaffUser) -> PersonRecordPublic:
    person = person_in_scope(session, person_id, scope)
    changes = session.execute(
        sa.select(RecordChange)
        .where(RecordChange.beneficiary_id == person.id)
        .order_by(RecordChange.id.desc())
    ).scalars()
    ents = session.execute(
        sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id).order_by(Entitlement.id)
    ).scalars()
    return PersonRecordPublic(
        person_id=person.id,
        name=person.name,
        id_number=person.id_number,
        bank_account_masked=mask_account(person.bank_account),
        entitlements=[
            EntitlementRecord(
                id=e.id,
                benefit_type=e.benefit_type.value,
                monthly_cents=e.monthly_cents,
                payment_state=e.payment_state.value,
            )
            for e in ents
        ],
        changes=[public(session, c, person, viewer) for c in changes],
    )
