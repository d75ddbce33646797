"""Append many audit events in one batch: one chain-head lock, hashes computed in Python, one INSERT.

The events are exactly what :func:`api.audit.record` would write one by one (same hash, same chain), so
``verify_chain`` checks them the same way; a million-row feed just avoids a flush per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.db import utcnow


@dataclass(frozen=True, slots=True)
class PendingEvent:
    actor: str
    action: str
    entity_type: str
    entity_id: str | int
    before: Any = None
    after: Any = None
    reason: str | None = None


def append_many(session: Session, events: list[PendingEvent]) -> int:
    """Append ``events`` in order in the caller's transaction; returns how many were written."""
    if not events:
        return 0
    head = audit._lock_head(session)  # the chain's append lock (same as audit.record)
    seq, prev = head.last_seq, head.last_hash
    rows: list[dict[str, Any]] = []
    created_at = utcnow()
    for ev in events:
        seq += 1
        before, after = audit._jsonable(ev.before), audit._jsonable(ev.after)
        h = audit.event_hash(
            seq=seq,
            actor=ev.actor,
            action=ev.action,
            entity_type=ev.entity_type,
            entity_id=str(ev.entity_id),
            before=before,
            after=after,
            reason=ev.reason,
            created_at=created_at,
            prev_hash=prev,
        )
        rows.append(
            {
                "seq": seq,
                "actor": ev.actor,
                "action": ev.action,
                "entity_type": ev.entity_type,
                "entity_id": str(ev.entity_id),
                "before": before,
                "after": after,
                "reason": ev.reason,
                "created_at": created_at,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    session.execute(audit.AuditEvent.__table__.insert(), rows)
    head.last_seq, head.last_hash = seq, prev
    session.flush()
    return len(rows)
