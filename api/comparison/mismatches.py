"""The review list of a feed: rows whose ID number is on the roll but whose name differs are never applied
on import; they wait here for a reviewer to apply (same person, a typo) or dismiss."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.cases.service import open_for_mismatch
from api.comparison.events import HANDLERS
from api.comparison.feed import (
    APPLIED,
    UNCHANGED,
    FeedContext,
    FeedPerson,
    FeedReport,
    Matched,
    RowOutcome,
    refused,
)
from api.comparison.models import FeedKind, FeedMismatch, FeedRun, MismatchStatus
from api.comparison.rows import FeedRow
from api.comparison.signs_of_life import record_signs_of_life
from api.core.db import utcnow


def open_mismatches(
    session: Session,
    kind: FeedKind,
    pairs: list[Matched],
    run: FeedRun,
    report: FeedReport,
    actor: str,
) -> None:
    existing = {
        (m.beneficiary_id, m.row.get("event_date"))
        for m in session.execute(
            sa.select(FeedMismatch).where(
                FeedMismatch.kind == kind,
                FeedMismatch.beneficiary_id.in_([p.id for p, _ in pairs]),
            )
        ).scalars()
    }
    for person, row in pairs:
        if (person.id, row.event_date.isoformat()) in existing:
            report.unchanged += 1
            if report.per_row:
                report.unchanged_rows.append(row.row_number)
            continue
        item = FeedMismatch(
            feed_run_id=run.id,
            kind=kind,
            row_number=row.row_number,
            beneficiary_id=person.id,
            feed_name=row.name[:100],
            row=row.to_json(),
        )
        session.add(item)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="feed.mismatch",
            entity_type="feed_mismatch",
            entity_id=item.id,
            after={"kind": kind, "beneficiary_id": person.id, "row": row.row_number, "feed_name": row.name},
            reason="ID number matches but the name differs: left for a reviewer",
        )
        open_for_mismatch(session, item, actor=actor)
        existing.add((person.id, row.event_date.isoformat()))
        report.mismatched += 1
        if report.per_row:
            report.mismatched_rows.append(row.row_number)


def decide_mismatch(
    session: Session, item: FeedMismatch, *, apply: bool, reviewer_id: int, reason: str, ctx: FeedContext
) -> RowOutcome:
    """A reviewer's decision on a mismatch: apply the row (same person) or dismiss it. A refused outcome
    changed nothing (the caller rolls back)."""
    if item.status is not MismatchStatus.PENDING:
        return refused(f"this item was already decided ({item.status})")
    row = FeedRow.from_json(item.row)
    outcome = UNCHANGED
    if apply:
        person = session.get_one(Beneficiary, item.beneficiary_id)
        p = FeedPerson(
            person.id,
            person.id_number,
            person.name,
            person.birth_date,
            person.region_code,
            person.time_zone,
            person.deceased_on,
        )
        report = FeedReport(run_id=item.feed_run_id, kind=item.kind)
        if item.kind is FeedKind.SIGN_OF_LIFE:
            record_signs_of_life(session, [Matched(p, row)], ctx, report, item.feed_run_id)
            if report.errors:
                outcome = refused(report.errors[0].message)
            else:
                outcome = APPLIED if report.applied else UNCHANGED
        else:
            outcome = HANDLERS[item.kind](session, p, row, ctx, report)
        if outcome.refused is not None:
            return outcome
    before = {"status": item.status}
    item.status = MismatchStatus.APPLIED if apply else MismatchStatus.DISMISSED
    item.decided_by = reviewer_id
    item.decided_at = utcnow()
    item.decision_reason = reason[:500]
    audit.record(
        session,
        actor=ctx.actor,
        action="feed.mismatch.decide",
        entity_type="feed_mismatch",
        entity_id=item.id,
        before=before,
        after={"status": item.status, "changed": outcome.changed},
        reason=reason,
    )
    return outcome
