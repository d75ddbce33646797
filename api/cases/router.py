"""Staff case work (核查案件): list and open cases, take or hand out a case, add notes, evidence and visit
links, link the person concerned, enter a phone tip-off, close with an outcome. Every case lies in the staff
member's region subtree (a case outside it is the same 404 as an unknown one); a case with no region yet
(a tip-off naming nobody on the roster, no region given) is seen by national staff only."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, File, Query, UploadFile
from sqlalchemy.orm import Session

from api.auth.deps import FieldStaff, StaffScope
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary
from api.cases import closing, service
from api.cases.models import Case, CaseEntry
from api.comparison.feed import FeedContext
from api.core.context import CertContextDep
from api.core.deps import PolicyDep, RegionPathsDep, SessionDep, agency_today
from api.core.edge import RowId
from api.core.errors import ApiError
from api.evidence import storage
from api.evidence.filetypes import EVIDENCE_KINDS, MP4, PDF
from api.evidence.models import EvidenceKind
from api.evidence.uploads import read_checked
from api.regions.scope import RegionScope
from api.worklist.models import VisitRecord
from shared.case_schemas import (
    CaseAssign,
    CaseClose,
    CaseEntryKind,
    CaseEntryPublic,
    CaseNote,
    CaseOutcome,
    CasePersonLink,
    CasePublic,
    CaseSource,
    CaseState,
    CaseVisitLink,
    PhoneTipoffCreate,
)
from shared.enums import StaffRole
from shared.idnumber import mask_id, mask_name
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/backoffice/cases", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 415, 422)
}


def public(session: Session, case: Case, *, with_entries: bool = True) -> CasePublic:
    person = session.get(Beneficiary, case.beneficiary_id) if case.beneficiary_id is not None else None
    entries = (
        session.execute(sa.select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(CaseEntry.id))
        .scalars()
        .all()
        if with_entries
        else []
    )
    return CasePublic(
        id=case.id,
        reference=case.reference,
        source=case.source.value,
        state=case.state.value,
        region_code=case.region_code,
        person_id=case.beneficiary_id,
        person_name=mask_name(person.name) if person is not None else None,
        id_number_masked=mask_id(person.id_number) if person is not None else None,
        subject_name=case.subject_name,
        subject_id_number=case.subject_id_number,
        description=case.description,
        assignee_id=case.assignee_id,
        outcome=case.outcome.value if case.outcome is not None else None,
        outcome_note=case.outcome_note,
        death_date=case.death_date,
        recovery_case_ids=closing.recovery_case_ids(session, case),
        spot_check_item_id=case.spot_check_item_id,
        feed_mismatch_id=case.feed_mismatch_id,
        created_at=case.created_at,
        closed_at=case.closed_at,
        entries=[
            CaseEntryPublic(
                id=e.id,
                kind=e.kind.value,
                text=e.text,
                evidence_id=e.evidence_id,
                visit_record_id=e.visit_record_id,
                staff_id=e.staff_id,
                created_at=e.created_at,
            )
            for e in entries
        ],
    )


@router.get("", response_model=list[CasePublic], responses=ERRORS)
def list_cases(
    staff: FieldStaff,
    scope: StaffScope,
    session: SessionDep,
    state: CaseState | None = None,
    source: CaseSource | None = None,
    mine: bool = False,
    limit: int = Query(100, ge=1, le=500),
) -> list[CasePublic]:
    """Newest first; ``state``/``source`` filter, ``mine`` only cases assigned to the caller."""
    query = sa.select(Case).where(service.in_scope(scope))
    if state is not None:
        query = query.where(Case.state == state)
    if source is not None:
        query = query.where(Case.source == source)
    if mine:
        query = query.where(Case.assignee_id == staff.id)
    cases = session.execute(query.order_by(Case.id.desc()).limit(limit)).scalars().all()
    return [public(session, c, with_entries=False) for c in cases]


@router.post("", response_model=CasePublic, status_code=201, responses=ERRORS)
def phone_tipoff(
    body: PhoneTipoffCreate, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> CasePublic:
    """A tip-off taken on the phone. The region given (or the person's) must be in the clerk's scope."""
    if body.region_code is not None and not scope.includes_region(session, body.region_code):
        raise ApiError(404, "unknown_region", "No such region.", params={"region_code": body.region_code})
    case, _ = service.open_tipoff(
        session,
        body,
        source=CaseSource.PHONE_TIPOFF,
        actor=f"staff:{staff.id}",
        staff_id=staff.id,
        scope=scope,
    )
    if case.region_code is None and not scope.national:
        case.region_code = scope.region_code  # named nobody on the roster: the clerk's own region handles it
    session.commit()
    return public(session, case)


@router.get("/{case_id}", response_model=CasePublic, responses=ERRORS)
def show(case_id: RowId, _staff: FieldStaff, scope: StaffScope, session: SessionDep) -> CasePublic:
    return public(session, service.get(session, case_id, scope=scope))


def _assignee(session: Session, staff_id: int, case: Case) -> StaffUser:
    other = session.get(StaffUser, staff_id)
    if (
        other is None
        or not other.active
        or other.role is StaffRole.UNIT_ADMIN
        or (
            case.region_code is not None
            and not RegionScope.of(other).includes_region(session, case.region_code)
        )
        or (case.region_code is None and other.region_code is not None)
    ):
        raise ApiError(422, "unknown_assignee", "No staff member by this id can take this case.")
    return other


@router.post("/{case_id}/assign", response_model=CasePublic, responses=ERRORS)
def assign(
    case_id: RowId, body: CaseAssign, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> CasePublic:
    case = service.get(session, case_id, scope=scope, for_update=True)
    assignee = staff if body.staff_id is None else _assignee(session, body.staff_id, case)
    service.assign(session, case, assignee, actor=f"staff:{staff.id}", by=staff.id)
    session.commit()
    return public(session, case)


@router.post("/{case_id}/notes", response_model=CasePublic, responses=ERRORS)
def add_note(
    case_id: RowId, body: CaseNote, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> CasePublic:
    case = service.get(session, case_id, scope=scope, for_update=True)
    service.work_on(
        session, case, CaseEntryKind.NOTE, actor=f"staff:{staff.id}", staff_id=staff.id, text=body.text
    )
    session.commit()
    return public(session, case)


@router.post("/{case_id}/visits", response_model=CasePublic, responses=ERRORS)
def link_visit(
    case_id: RowId, body: CaseVisitLink, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> CasePublic:
    case = service.get(session, case_id, scope=scope, for_update=True)
    visit = session.get(VisitRecord, body.visit_record_id)
    if visit is None or case.beneficiary_id is None or visit.beneficiary_id != case.beneficiary_id:
        raise ApiError(404, "not_found", "No visit record of the person concerned has this id.")
    service.work_on(
        session,
        case,
        CaseEntryKind.VISIT,
        actor=f"staff:{staff.id}",
        staff_id=staff.id,
        visit_record_id=visit.id,
    )
    session.commit()
    return public(session, case)


@router.post("/{case_id}/evidence", response_model=CasePublic, responses=ERRORS)
def add_evidence(
    case_id: RowId,
    staff: FieldStaff,
    scope: StaffScope,
    ctx: CertContextDep,
    session: SessionDep,
    files: Annotated[list[UploadFile], File(description="photos (JPEG/PNG), videos (MP4) or PDF documents")],
) -> CasePublic:
    checked = read_checked(
        files, allowed=EVIDENCE_KINDS, max_bytes=ctx.cert.max_evidence_bytes, limits=ctx.settings.intake
    )
    case = service.get(session, case_id, scope=scope, for_update=True)
    service.require_open(case)
    for data, kind in checked:
        evidence_kind = {MP4: EvidenceKind.VIDEO, PDF: EvidenceKind.DOCUMENT}.get(kind, EvidenceKind.PHOTO)
        row = storage.store(
            session, ctx.storage, storage.Upload(data, kind, evidence_kind), uploaded_by=staff.id
        )
        service.work_on(
            session,
            case,
            CaseEntryKind.EVIDENCE,
            actor=f"staff:{staff.id}",
            staff_id=staff.id,
            evidence_id=row.id,
        )
    session.commit()
    return public(session, case)


@router.post("/{case_id}/person", response_model=CasePublic, responses=ERRORS)
def link_person(
    case_id: RowId, body: CasePersonLink, staff: FieldStaff, scope: StaffScope, session: SessionDep
) -> CasePublic:
    case = service.get(session, case_id, scope=scope, for_update=True)
    person = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == body.id_number.upper(), scope.people())
    ).scalar_one_or_none()
    if person is None:
        raise ApiError(404, "person_not_found", "No one with this ID number in your region.")
    service.link_person(session, case, person, actor=f"staff:{staff.id}", staff_id=staff.id)
    session.commit()
    return public(session, case)


@router.post("/{case_id}/close", response_model=CasePublic, responses=ERRORS)
def close(
    case_id: RowId,
    body: CaseClose,
    staff: FieldStaff,
    scope: StaffScope,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
) -> CasePublic:
    """Close with an outcome; ``confirmed_deceased`` (a reviewer or admin only) stops the payment from the
    month after the death and opens a recovery case for months paid after it — in one transaction."""
    if body.outcome is CaseOutcome.CONFIRMED_DECEASED and staff.role not in (
        StaffRole.REVIEWER,
        StaffRole.ADMIN,
    ):
        raise ApiError(403, "forbidden", "Only a reviewer or an admin may close a case as deceased.")
    case = service.get(session, case_id, scope=scope, for_update=True)
    ctx = FeedContext(policy=policy, region_paths=paths, today=agency_today(), actor=f"staff:{staff.id}")
    closing.close(session, case, body, ctx=ctx, staff_id=staff.id)
    session.commit()
    return public(session, case)
