"""A review item's history for the reviewer: who opened the case, uploaded each file, signed each level,
opened each file, and decided — with times, oldest first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.certification.models import Attestation, AttestationSignoff
from api.core.operator import OperatorKind
from api.evidence import views
from api.evidence.models import EvidenceFile
from api.review.models import ReviewItem
from shared.schemas import CaseEvent, StaffRef


def staff_refs(session: Session, ids: Iterable[int | None]) -> dict[int, StaffRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(sa.select(StaffUser).where(StaffUser.id.in_(wanted))).scalars()
    return {s.id: StaffRef(staff_id=s.id, name=s.name, region_code=s.region_code) for s in rows}


def case_history(session: Session, item: ReviewItem, files: list[EvidenceFile]) -> list[CaseEvent]:
    attestation = session.get(Attestation, item.attestation_id) if item.attestation_id else None
    signoffs = (
        list(
            session.execute(
                sa.select(AttestationSignoff)
                .where(AttestationSignoff.attestation_id == attestation.id)
                .order_by(AttestationSignoff.id)
            ).scalars()
        )
        if attestation
        else []
    )
    opened = views.views_of(session, [f.id for f in files])
    # Whoever submitted the item (the applicant "self", a helper, a staff member): the default actor of
    # uploads that name no staff member.
    submitter = "self" if item.operator_id is None else f"{item.operator_kind}:{item.operator_id}"
    refs = staff_refs(
        session,
        [
            item.operator_id if item.operator_kind == OperatorKind.STAFF else None,
            attestation.opened_by if attestation else None,
            item.decided_by,
            *(f.uploaded_by for f in files),
            *(s.recorded_by for s in signoffs),
            *(v.staff_id for v in opened),
        ],
    )

    def event(
        action: str, at: datetime, staff_id: int | None, actor: str | None = None, **extra
    ) -> CaseEvent:
        return CaseEvent(
            action=action,
            at=at,
            staff=refs.get(staff_id) if staff_id is not None else None,
            actor=f"staff:{staff_id}" if staff_id is not None else (actor or submitter),
            **extra,
        )

    events: list[CaseEvent] = []
    if attestation is not None:
        events.append(event("opened", attestation.created_at, attestation.opened_by))
    events.append(
        event(
            "submitted",
            item.created_at,
            item.operator_id if item.operator_kind == OperatorKind.STAFF else None,
        )
    )
    events += [event("uploaded", f.created_at, f.uploaded_by, evidence_id=f.id) for f in files]
    events += [event("signed", s.created_at, s.recorded_by, level=s.level) for s in signoffs]
    events += [event("viewed", v.opened_at, v.staff_id, evidence_id=v.evidence_id) for v in opened]
    if item.decided_at is not None:
        events.append(event("decided", item.decided_at, item.decided_by))
    return sorted(events, key=lambda e: e.at)
