"""Append-only, hash-chained audit trail.

Every state change calls :func:`record` inside the caller's transaction, so the event commits or rolls
back with the change it describes. Each event stores ``prev_hash`` (the previous event's hash) and
``hash = sha256(canonical JSON of its own fields + prev_hash)``. Appends are serialised through one
chain-head row locked with ``SELECT … FOR UPDATE`` (PostgreSQL; SQLite serialises writers anyway), so
concurrent transactions can never fork the chain. :func:`verify_chain` recomputes every hash and reports
the first row that was altered, removed or reordered. The application never updates or deletes events.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.db import Base, BigId, utcnow

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    actor: Mapped[str] = mapped_column(sa.String(128))  # "staff:12", "helper:5", "system:roster", …
    action: Mapped[str] = mapped_column(sa.String(64), index=True)  # "entitlement.suspend", …
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[Any | None] = mapped_column(sa.JSON)
    after: Mapped[Any | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)


class AuditChainHead(Base):
    """A single row (id = 1) holding the chain's last sequence number and hash: the append lock."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)


def _jsonable(value: Any) -> Any:
    """Make before/after snapshots JSON: enums → values, dates → ISO strings, recursively."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"audit snapshot value of type {type(value).__name__} is not JSON-able")


def event_hash(
    *,
    seq: int,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any,
    after: Any,
    reason: str | None,
    created_at: datetime,
    prev_hash: str,
) -> str:
    payload = {
        "seq": seq,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "reason": reason,
        "created_at": _canonical_time(created_at),
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_time(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _lock_head(session: Session) -> AuditChainHead:
    """Take the chain's append lock and return the head row, current as of holding the lock.

    A no-op UPDATE of the head row comes first: on PostgreSQL it row-locks like SELECT … FOR UPDATE;
    on SQLite it makes the transaction a writer (SQLite ignores FOR UPDATE, and a plain SELECT would
    read a head another connection is about to move).
    """
    locked = session.execute(
        sa.update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount == 0:
        # The migration inserts this row; create it for databases built from metadata only.
        head = AuditChainHead(id=CHAIN_HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
        return head
    return session.execute(
        sa.select(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction (flushed, not committed)."""
    head = _lock_head(session)
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": _jsonable(before),
        "after": _jsonable(after),
        "reason": reason,
        "created_at": utcnow(),
        "prev_hash": head.last_hash,
    }
    ev = AuditEvent(**fields, hash=event_hash(**fields))
    session.add(ev)
    head.last_seq = ev.seq
    head.last_hash = ev.hash
    session.flush()
    return ev


def add_recorded(
    session: Session,
    row: Base,
    *,
    actor: str,
    action: str,
    entity_type: str,
    after: Any,
    entity_id: str | int | None = None,
) -> None:
    """Add a new row, flush it (so it has its id) and record the event describing it (``entity_id``
    defaults to the row's id) in the same transaction."""
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=row.id if entity_id is None else entity_id,
        after=after,
    )


def _hashed_fields(ev: AuditEvent) -> dict[str, Any]:
    """Every stored field of the event but its hash: the arguments of :func:`event_hash`."""
    return {
        column.key: getattr(ev, column.key) for column in AuditEvent.__table__.columns if column.key != "hash"
    }


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Recompute the whole chain; report the first altered, missing or reordered event."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    rows = session.execute(sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch))
    for ev in rows.scalars():
        if ev.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            return ChainReport(
                False,
                checked,
                ev.seq,
                f"event {ev.seq} does not follow event {ev.seq - 1} (removed or reordered)",
            )
        if event_hash(**_hashed_fields(ev)) != ev.hash:
            return ChainReport(False, checked, ev.seq, f"event {ev.seq} was altered (hash mismatch)")
        prev = ev.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditChainHead, CHAIN_HEAD_ID)
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_seq != checked or last_hash != prev:
        return ChainReport(
            False,
            checked,
            checked + 1 if last_seq > checked else None,
            f"the chain head records {last_seq} events but {checked} are present (events removed at the end)",
        )
    return ChainReport(True, checked)
