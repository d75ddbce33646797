"""Certification by reviewed documents: overseas residents upload a consulate-issued certification form;
anyone whose face checks failed repeatedly may upload evidence. Both enter the review queue with the
decision date the applicant is promised, and the applicant looks up the outcome with the review id.
A staff member may submit for the person at a service window (with their token): they are then the
item's operator and the files' uploader, so they cannot decide it themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary
from api.core.context import CertContext
from api.core.operator import SELF, Operator, OperatorKind
from api.core.workdays import load_calendar
from api.evidence import storage
from api.evidence.filetypes import PDF, FileKind
from api.evidence.models import EvidenceKind
from api.review import service as review
from api.review.models import ReviewItem, ReviewKind
from shared.cycle import local_date
from shared.enums import CertificationMethod


def submit(
    session: Session,
    ctx: CertContext,
    *,
    person: Beneficiary,
    kind: ReviewKind,
    method: CertificationMethod,
    files: list[tuple[bytes, FileKind]],
    note: str | None,
    now: datetime,
    staff_id: int | None = None,
) -> ReviewItem:
    today = local_date(now, person.time_zone)
    item = review.open_item(
        session,
        kind=kind,
        person=person,
        method=method,
        operator=SELF if staff_id is None else Operator(OperatorKind.STAFF, staff_id),
        now=now,
        note=note,
        expected_by=review.add_working_days(
            today, ctx.cert.overseas_decision_working_days, load_calendar(ctx.settings.calendar_file)
        ),
    )
    for data, file_kind in files:
        evidence_kind = EvidenceKind.DOCUMENT if file_kind is PDF else EvidenceKind.PHOTO
        storage.store(
            session,
            ctx.settings.data_dir,
            storage.Upload(data, file_kind, evidence_kind),
            review_item_id=item.id,
            now=now,
            uploaded_by=staff_id,
        )
    return item
