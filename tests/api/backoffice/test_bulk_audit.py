"""Audit events appended in bulk hash exactly as api.audit.record would: the chain verifies after a mix
of single and bulk appends, with non-ASCII text, NULL reasons, nested values, dates and enums."""

from __future__ import annotations

from datetime import date

from api import audit
from api.comparison.bulk_audit import PendingEvent, append_many
from shared.enums import PaymentState


def test_bulk_events_verify_with_the_chain(session):
    audit.record(
        session, actor="staff:1", action="x.single", entity_type="thing", entity_id=1, after={"a": 1}
    )
    written = append_many(
        session,
        [
            PendingEvent(
                actor="staff:2",
                action="certification.record",
                entity_type="certification",
                entity_id=7,
                before={"state": PaymentState.SUSPENDED, "when": date(2026, 11, 1)},
                after={"名字": "王建国", "z": [1, 2.5, None, True], "a": {"b": '引号"和\\斜杠'}},
                reason="数据比对 feed 3, row 4",
            ),
            PendingEvent(
                actor="system", action="x.plain", entity_type="t", entity_id="k", after={"v": 1}, plain=True
            ),
            PendingEvent(actor="system", action="x.none", entity_type="t", entity_id=9),
        ],
    )
    audit.record(session, actor="staff:1", action="x.after", entity_type="thing", entity_id=2)
    session.commit()
    assert written == 3
    report = audit.verify_chain(session)
    assert report.ok, report.problem
