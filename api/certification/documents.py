"""Certification by reviewed documents: overseas residents upload a consulate-issued certification form;
anyone whose face checks failed repeatedly may upload evidence. Both enter the review queue with the
decision date the applicant is promised, and the applicant looks up the outcome with the review id.
A staff member may submit for the person at a service window (with their token): they are then the
item's operator and the files' uploader, so they cannot decide it themselves.

One open item per person, kind and certification window: a second upload while the first is still
undecided adds its files to that item (a file already attached is not stored twice) instead of opening
another. Manual-review files get a retention date (``certification.keep_manual_review_days``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.certification.people import require_certifiable
from api.core.context import CertContext
from api.core.errors import ApiError
from api.core.operator import SELF, Operator, OperatorKind
from api.core.workdays import load_calendar
from api.evidence import storage
from api.evidence.intake import PDF, FileKind
from api.evidence.models import EvidenceFile, EvidenceKind
from api.review import service as review
from api.review.models import ReviewItem, ReviewKind, ReviewStatus
from shared.cycle import local_date, window_for
from shared.enums import CertificationMethod

MAX_FILES_PER_ITEM = 30  # over all uploads to one open item


@dataclass(frozen=True, slots=True)
class Submitted:
    item: ReviewItem
    reused: bool  # True: the person's open item of this window got the files


def window_start(session: Session, ctx: CertContext, person: Beneficiary, today: date) -> date:
    """The first day of the person's current certification window (the earliest over their benefits)."""
    path = ctx.rules.region_paths.path(session, person.region_code)
    return min(
        window_for(ctx.rules.policy.policy_for(path, e.benefit_type), person.birth_date, today).start
        for e in require_certifiable(session, person)
    )


def open_item_in_window(
    session: Session, person: Beneficiary, kind: ReviewKind, since: date
) -> ReviewItem | None:
    pending = session.execute(
        sa.select(ReviewItem)
        .where(
            ReviewItem.beneficiary_id == person.id,
            ReviewItem.kind == kind,
            ReviewItem.status == ReviewStatus.PENDING,
        )
        .order_by(ReviewItem.id)
    ).scalars()
    return next((i for i in pending if local_date(i.created_at, person.time_zone) >= since), None)


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
) -> Submitted:
    # Serialises uploads for one person (PostgreSQL row lock; SQLite runs one writer at a time anyway),
    # so two uploads at once cannot both open an item.
    session.execute(sa.select(Beneficiary.id).where(Beneficiary.id == person.id).with_for_update())
    today = local_date(now, person.time_zone)
    operator = SELF if staff_id is None else Operator(OperatorKind.STAFF, staff_id)
    item = open_item_in_window(session, person, kind, window_start(session, ctx, person, today))
    reused = item is not None
    if item is None:
        item = review.open_item(
            session,
            kind=kind,
            person=person,
            method=method,
            operator=operator,
            now=now,
            note=note,
            expected_by=review.add_working_days(
                today, ctx.cert.overseas_decision_working_days, load_calendar(ctx.settings.calendar_file)
            ),
        )
    attached = dict(
        session.execute(
            sa.select(EvidenceFile.sha256, EvidenceFile.id).where(EvidenceFile.review_item_id == item.id)
        ).all()
    )
    keep_days = ctx.cert.keep_manual_review_days if kind is ReviewKind.EVIDENCE else None
    added: list[int] = []
    for data, file_kind in files:
        digest = storage.sha256_of(data)
        if digest in attached:
            continue  # the same file sent again
        if len(attached) >= MAX_FILES_PER_ITEM:
            raise ApiError(
                413,
                "too_many_files",
                f"This request already has {MAX_FILES_PER_ITEM} files; wait for the decision.",
            )
        evidence_kind = EvidenceKind.DOCUMENT if file_kind is PDF else EvidenceKind.PHOTO
        row = storage.store(
            session,
            ctx.storage,
            storage.Upload(data, file_kind, evidence_kind),
            review_item_id=item.id,
            keep_days=keep_days,
            now=now,
            uploaded_by=staff_id,
        )
        attached[digest] = row.id
        added.append(row.id)
    if reused:
        note_changed = bool(note) and note != item.note
        if note_changed:
            item.note = note
        audit.record(
            session,
            actor=operator.actor,
            action="review.add_files",
            entity_type="review_item",
            entity_id=item.id,
            after={"evidence_ids": added, "note_changed": note_changed},
        )
    return Submitted(item, reused)
