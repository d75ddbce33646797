"""Opening cases and moving them along: every change in the caller's transaction, with its audit event.

States: open → assigned → investigating → closed. Assigning a case that is open makes it assigned; the
first note, evidence or visit link of an assigned case makes it investigating; a closed case takes nothing
more. Failed spot-check items and data-comparison conflicts open one case each (a unique column keeps it
to one, so a second call returns the first case).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.cases.models import Case, CaseEntry
from api.core.errors import ApiError
from api.regions.models import Region
from api.regions.scope import NATIONAL, RegionScope
from shared.case_schemas import (
    LOOKUP_ALPHABET,
    LOOKUP_CODE_LENGTH,
    CaseEntryKind,
    CaseSource,
    CaseState,
    TipoffCreate,
)
from shared.reference import new_reference


def _unused_reference(session: Session) -> str:
    while True:
        candidate = new_reference()
        if session.execute(sa.select(Case.id).where(Case.reference == candidate)).first() is None:
            return candidate


def new_lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_CODE_LENGTH))


def code_hash(code: str, reference: str, secret: str) -> str:
    """HMAC-SHA256 of the lookup code under the service's secret key (a copy of the database alone does not
    let anyone try the codes offline)."""
    message = f"lifecert-tipoff:{reference}:{code.upper()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def not_found() -> ApiError:
    return ApiError(404, "not_found", "No such case.")


def _audit(session: Session, case: Case, action: str, actor: str, **kw: Any) -> None:
    audit.record(session, actor=actor, action=action, entity_type="case", entity_id=case.id, **kw)


def _open(
    session: Session,
    *,
    source: CaseSource,
    description: str,
    actor: str,
    person: Beneficiary | None = None,
    region_code: str | None = None,
    **fields: Any,
) -> Case:
    if "reference" not in fields:
        fields["reference"] = _unused_reference(session)
    case = Case(
        source=source,
        state=CaseState.OPEN,
        description=description[:1000],
        beneficiary_id=person.id if person is not None else None,
        region_code=person.region_code if person is not None else region_code,
        **fields,
    )
    session.add(case)
    session.flush()
    _audit(
        session,
        case,
        "case.open",
        actor,
        after={
            "source": source,
            "reference": case.reference,
            "beneficiary_id": case.beneficiary_id,
            "region_code": case.region_code,
            "spot_check_item_id": case.spot_check_item_id,
            "feed_mismatch_id": case.feed_mismatch_id,
        },
    )
    return case


def open_tipoff(
    session: Session,
    body: TipoffCreate,
    *,
    source: CaseSource,
    actor: str,
    staff_id: int | None = None,
    scope: RegionScope = NATIONAL,
    secret: str = "",
) -> tuple[Case, str | None]:
    """A tip-off: linked to the person when the ID number is on the roster (the answer is the same either
    way, so the form reveals nothing). A public tip-off gets a lookup code (returned once, its hash kept).
    A clerk's phone tip-off links only a person in the clerk's ``scope``: anyone else is left unlinked, as
    if not on the roster (a national clerk links it later)."""
    person = None
    if body.subject_id_number is not None:
        person = session.execute(
            sa.select(Beneficiary).where(
                Beneficiary.id_number == body.subject_id_number.upper(), scope.people()
            )
        ).scalar_one_or_none()
    region = None
    if person is None and body.region_code is not None:
        if session.get(Region, body.region_code) is None:
            raise ApiError(422, "unknown_region", "No such region.", params={"region_code": body.region_code})
        region = body.region_code
    code = new_lookup_code() if source is CaseSource.PUBLIC_TIPOFF else None
    reference = _unused_reference(session)
    case = _open(
        session,
        source=source,
        description=body.description,
        actor=actor,
        person=person,
        region_code=region,
        subject_name=body.subject_name,
        subject_id_number=body.subject_id_number.upper() if body.subject_id_number else None,
        reporter_phone=body.contact_phone,
        lookup_code_sha256=code_hash(code, reference, secret) if code else None,
        created_by=staff_id,
        reference=reference,
    )
    return case, code


def public_lookup(session: Session, reference: str, code: str, *, secret: str) -> Case:
    """The public tip-off with this reference and code; the same 404 for a wrong code or reference."""
    case = session.execute(
        sa.select(Case).where(Case.reference == reference, Case.source == CaseSource.PUBLIC_TIPOFF)
    ).scalar_one_or_none()
    expected = case.lookup_code_sha256 if case is not None and case.lookup_code_sha256 else "0" * 64
    matches = hmac.compare_digest(expected, code_hash(code, reference, secret))
    if case is None or not matches:
        raise ApiError(404, "tipoff_not_found", "No tip-off matches this reference and code.")
    return case


def open_for_spot_item(session: Session, item: Any, *, actor: str) -> Case:
    """The case of a failed spot-check item (one per item)."""
    existing = session.execute(sa.select(Case).where(Case.spot_check_item_id == item.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    person = session.get_one(Beneficiary, item.beneficiary_id)
    return _open(
        session,
        source=CaseSource.SPOT_CHECK,
        description=f"spot check: not confirmed. {item.note or ''}".strip(),
        actor=actor,
        person=person,
        spot_check_item_id=item.id,
    )


def open_for_mismatch(session: Session, mismatch: Any, *, actor: str) -> Case:
    """The case of a data-comparison conflict (one per review-list row)."""
    existing = session.execute(
        sa.select(Case).where(Case.feed_mismatch_id == mismatch.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    person = session.get_one(Beneficiary, mismatch.beneficiary_id)
    return _open(
        session,
        source=CaseSource.DATA_CONFLICT,
        description=f"data comparison ({mismatch.kind}): the record names {mismatch.feed_name}",
        actor=actor,
        person=person,
        feed_mismatch_id=mismatch.id,
    )


def in_scope(scope: RegionScope) -> sa.ColumnElement[bool]:
    """A condition on :class:`Case`: its region is inside the staff member's scope (national staff see
    cases without a region too)."""
    return scope.covers(Case.region_code)


def get(session: Session, case_id: int, *, scope: RegionScope = NATIONAL, for_update: bool = False) -> Case:
    query = sa.select(Case).where(Case.id == case_id, in_scope(scope))
    if for_update:
        query = query.with_for_update()
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise not_found()
    return case


def require_open(case: Case) -> None:
    if case.state is CaseState.CLOSED:
        raise ApiError(409, "case_closed", "This case is closed.", params={"reference": case.reference})


def add_entry(
    session: Session, case: Case, kind: CaseEntryKind, *, staff_id: int | None, **fields: Any
) -> CaseEntry:
    entry = CaseEntry(case_id=case.id, kind=kind, staff_id=staff_id, **fields)
    session.add(entry)
    session.flush()
    return entry


def assign(session: Session, case: Case, assignee: StaffUser, *, actor: str, by: int) -> None:
    require_open(case)
    before = {"state": case.state, "assignee_id": case.assignee_id}
    case.assignee_id = assignee.id
    if case.state is CaseState.OPEN:
        case.state = CaseState.ASSIGNED
    add_entry(session, case, CaseEntryKind.ASSIGNED, staff_id=by, text=assignee.name[:1000])
    _audit(
        session,
        case,
        "case.assign",
        actor,
        before=before,
        after={"state": case.state, "assignee_id": assignee.id},
    )


def work_on(
    session: Session, case: Case, kind: CaseEntryKind, *, actor: str, staff_id: int, **fields: Any
) -> None:
    """A note, evidence file or visit link: an assigned case becomes investigating."""
    require_open(case)
    before = case.state
    entry = add_entry(session, case, kind, staff_id=staff_id, **fields)
    if case.state in (CaseState.OPEN, CaseState.ASSIGNED):
        case.state = CaseState.INVESTIGATING
    _audit(
        session,
        case,
        f"case.{kind.value}",
        actor,
        before={"state": before},
        after={"state": case.state, "entry_id": entry.id, **{k: v for k, v in fields.items() if k != "text"}},
    )


def link_person(session: Session, case: Case, person: Beneficiary, *, actor: str, staff_id: int) -> None:
    require_open(case)
    if case.beneficiary_id == person.id:
        return
    before = {"beneficiary_id": case.beneficiary_id, "region_code": case.region_code}
    case.beneficiary_id = person.id
    case.region_code = person.region_code
    add_entry(session, case, CaseEntryKind.PERSON, staff_id=staff_id)
    _audit(
        session,
        case,
        "case.person",
        actor,
        before=before,
        after={"beneficiary_id": person.id, "region_code": person.region_code},
    )
