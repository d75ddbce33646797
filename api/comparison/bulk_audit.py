"""Append many audit events in one batch: one chain-head lock, hashes computed in Python, one INSERT.

The events are exactly what :func:`api.audit.record` would write one by one (same hash, same chain), so
``verify_chain`` checks them the same way; a million-row feed just avoids a flush per event.

The hashed text is :func:`api.audit.event_hash`'s canonical JSON (sorted keys, no spaces, UTF-8), put
together here from pieces: ``before``/``after`` are serialised once (that text is also what is stored)
and the batch's timestamp once, instead of one ``json.dumps`` of the whole payload per event. A test
checks the two give the same hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.comparison.driver_insert import insert_rows, stored_time
from api.core.db import utcnow

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
    when = _text(audit._canonical_time(created_at))
    strings: dict[str | None, str] = {}  # actor, action, entity type, reason: few distinct values

    def text(value: str | None) -> str:
        found = strings.get(value)
        if found is None:
            found = strings[value] = _text(value)
        return found

    for ev in events:
        seq += 1
        if ev.plain:
            before, after = ev.before, ev.after
        else:
            before, after = audit._jsonable(ev.before), audit._jsonable(ev.after)
        entity_id = str(ev.entity_id)
        before_text, after_text = _canonical(before), _canonical(after)
        payload = (
            f'{{"action":{text(ev.action)},"actor":{text(ev.actor)},"after":{after_text},'
            f'"before":{before_text},"created_at":{when},"entity_id":{_text(entity_id)},'
            f'"entity_type":{text(ev.entity_type)},"prev_hash":"{prev}","reason":{text(ev.reason)},'
            f'"seq":{seq}}}'
        )
        h = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        rows.append(
            (
                seq,
                ev.actor,
                ev.action,
                ev.entity_type,
                entity_id,
                None if before is None else before_text,
                None if after is None else after_text,
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


_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _canonical(value: Any) -> str:
    """``value`` as event_hash serialises it inside the payload (also a valid stored JSON text)."""
    return _encode(value)


def _text(value: str | None) -> str:
    return "null" if value is None else _encode(value)
