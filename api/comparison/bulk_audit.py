"""Append many audit events in one batch: one chain-head lock, hashes computed in Python, one INSERT.

The events are exactly what :func:`api.audit.record` would write one by one (same hash, same chain), so
``verify_chain`` checks them the same way; a million-row feed just avoids a flush per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.comparison.driver_insert import insert_rows, stored_json, stored_time
from api.db import utcnow

COLUMNS = (
    "seq",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "reason",
    "created_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    actor: str
    action: str
    entity_type: str
    entity_id: str | int
    before: Any = None
    after: Any = None
    reason: str | None = None
    plain: bool = False  # before/after hold only JSON types already (skips the conversion walk)


def append_many(session: Session, events: list[PendingEvent]) -> int:
    """Append ``events`` in order in the caller's transaction; returns how many were written."""
    if not events:
        return 0
    head = audit._lock_head(session)  # the chain's append lock (same as audit.record)
    seq, prev = head.last_seq, head.last_hash
    dialect = session.get_bind().dialect.name
    rows: list[tuple] = []
    created_at = utcnow()
    stored_at = stored_time(created_at, dialect)
    for ev in events:
        seq += 1
        if ev.plain:
            before, after = ev.before, ev.after
        else:
            before, after = audit._jsonable(ev.before), audit._jsonable(ev.after)
        entity_id = str(ev.entity_id)
        h = audit.event_hash(
            seq=seq,
            actor=ev.actor,
            action=ev.action,
            entity_type=ev.entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            reason=ev.reason,
            created_at=created_at,
            prev_hash=prev,
        )
        rows.append(
            (
                seq,
                ev.actor,
                ev.action,
                ev.entity_type,
                entity_id,
                stored_json(before),
                stored_json(after),
                ev.reason,
                stored_at,
                prev,
                h,
            )
        )
        prev = h
    insert_rows(session, audit.AuditEvent.__table__, COLUMNS, rows)
    head.last_seq, head.last_hash = seq, prev
    session.flush()
    return len(rows)
