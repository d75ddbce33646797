"""Append many audit events in one batch: one lock per chain head, MACs computed in Python, one INSERT
(on PostgreSQL one COPY, fed while the MACs are computed).

The events are exactly what :func:`api.audit.record` would write one by one (same MAC, same chains), so
``verify_chain`` checks them the same way; a million-row feed just avoids a flush per event.

The MAC'd text is :func:`api.audit.event_mac`'s canonical JSON (sorted keys, no spaces, UTF-8), put
together here from pieces: ``before``/``after`` are serialised once (that text is also what is stored)
and the batch's timestamp once, instead of one ``json.dumps`` of the whole payload per event. A test
checks the two give the same hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.comparison.driver_insert import insert_rows, stored_time
from api.core.db import utcnow

COLUMNS = (
    "chain",
    "chain_seq",
    "scheme",
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
    region: str | None = None  # the person's region code: their county's chain (None: the global chain)
    after_text: str | None = None  # ``after`` already as canonical JSON text (then ``after`` is not used)


def append_many(session: Session, events: list[PendingEvent]) -> int:
    """Append ``events`` in order (per chain) in the caller's transaction; returns how many were written."""
    if not events:
        return 0
    held = audit.held_chain(session)  # a transaction keeps the chain(s) it locked first
    chains = [held or audit.chain_for(ev.region) for ev in events]
    # The chains' append locks, taken at once in sorted order (two batches never deadlock).
    heads = {chain: audit._lock_head(session, chain) for chain in sorted(set(chains))}
    if held is None:
        audit._hold(session, min(heads))  # later events of this transaction: a chain it already holds
    position = {chain: (head.last_seq, head.last_hash) for chain, head in heads.items()}
    dialect = session.get_bind().dialect.name
    created_at = utcnow()
    stored_at = stored_time(created_at, dialect)
    when = _text(audit._canonical_time(created_at))
    keyed = hmac.new(audit.current_key(), digestmod=hashlib.sha256)
    strings: dict[str | None, str] = {}  # actor, action, entity type, reason, chain: few distinct values

    def text(value: str | None) -> str:
        found = strings.get(value)
        if found is None:
            found = strings[value] = _text(value)
        return found

    def rows() -> Iterator[tuple]:
        """The stored rows in order, MAC'd one by one (consumed while the COPY runs)."""
        for ev, chain in zip(events, chains, strict=True):
            seq, prev = position[chain]
            seq += 1
            if ev.plain:
                before, after = ev.before, ev.after
            else:
                before, after = audit._jsonable(ev.before), audit._jsonable(ev.after)
            entity_id = str(ev.entity_id)
            before_text = _canonical(before)
            if ev.after_text is None:
                after_text = _canonical(after)
                stored_after = None if after is None else after_text
            else:
                after_text = stored_after = ev.after_text
            payload = (
                f'{{"action":{text(ev.action)},"actor":{text(ev.actor)},"after":{after_text},'
                f'"before":{before_text},"chain":{text(chain)},"chain_seq":{seq},"created_at":{when},'
                f'"entity_id":{_text(entity_id)},"entity_type":{text(ev.entity_type)},"prev_hash":"{prev}",'
                f'"reason":{text(ev.reason)}}}'
            )
            mac = keyed.copy()
            mac.update(payload.encode("utf-8"))
            h = mac.hexdigest()
            position[chain] = (seq, h)
            yield (
                chain,
                seq,
                audit.SCHEME_HMAC,
                ev.actor,
                ev.action,
                ev.entity_type,
                entity_id,
                None if before is None else before_text,
                stored_after,
                ev.reason,
                stored_at,
                prev,
                h,
            )

    insert_rows(session, audit.AuditEvent.__table__, COLUMNS, rows())
    for chain, head in heads.items():
        head.last_seq, head.last_hash = position[chain]
    session.flush()
    return len(events)


_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _canonical(value: Any) -> str:
    """``value`` as event_hash serialises it inside the payload (also a valid stored JSON text)."""
    return _encode(value)


def _text(value: str | None) -> str:
    return "null" if value is None else _encode(value)
