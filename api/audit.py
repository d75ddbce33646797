"""Append-only audit trail: partitioned HMAC chains, checked against signed anchors kept outside the database.

Every state change calls :func:`record` inside the caller's transaction, so the event commits or rolls
back with the change it describes.

* **Chains.** Events about a person go to their county's chain (``r:<6-digit county code>``, derived from
  the region code the caller passes), everything else to the ``global`` chain. Each chain has a head row
  (:class:`AuditChainHead`) that is its append lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
  serialises writers anyway), so appends in different counties never queue on one row, and concurrent
  transactions can never fork a chain.
* **MAC.** Each event stores ``prev_hash`` (the previous event of its chain) and
  ``hash = HMAC-SHA256(key, canonical JSON of its fields + chain + chain_seq + prev_hash)``. The key comes
  from the settings (``LIFECERT_AUDIT__KEY``), never from the database, so a database writer cannot
  recompute the chain after rewriting an event. Events written before the key existed (``scheme`` 1:
  plain SHA-256, the chain as it was) keep verifying; they may only form the start of the global chain,
  and the first keyed event after them pins them (its MAC covers the last legacy hash).
* **Append-only guard.** A migration adds triggers that refuse UPDATE and DELETE on ``audit_events``
  (:mod:`api.audit_guard`).
* **Anchors.** ``lifecert audit anchor`` writes every chain's head and length, HMAC-signed, to object
  storage outside the database (:mod:`api.audit_anchor`); ``lifecert audit verify`` checks every chain
  and the latest anchor, so deleting the tail of a chain and rolling its head back is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.db import Base, BigId, utcnow
from shared.months import YearMonth

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1  # the global chain's head row: also a general write lock (worklist visits, roster import)
GLOBAL_CHAIN = "global"
SCHEME_SHA256 = 1  # before the audit key: plain SHA-256 (verifies, but a database writer could recompute it)
SCHEME_HMAC = 2


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)  # storage order
    chain: Mapped[str] = mapped_column(sa.String(64), default=GLOBAL_CHAIN)
    chain_seq: Mapped[int] = mapped_column(sa.BigInteger)  # 1, 2, … within the chain
    scheme: Mapped[int] = mapped_column(sa.SmallInteger, default=SCHEME_HMAC)
    actor: Mapped[str] = mapped_column(sa.String(128))  # "staff:12", "helper:5", "system:roster", …
    action: Mapped[str] = mapped_column(sa.String(64), index=True)  # "entitlement.suspend", …
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[Any | None] = mapped_column(sa.JSON)
    after: Mapped[Any | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))  # not indexed: nothing looks an event up by it

    __table_args__ = (
        sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),
        sa.Index("ux_audit_events_chain_seq", "chain", "chain_seq", unique=True),
    )


class AuditChainHead(Base):
    """One row per chain holding its last position and hash: the chain's append lock. The global chain's
    row has id 1 (:data:`CHAIN_HEAD_ID`)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    chain: Mapped[str] = mapped_column(sa.String(64), unique=True)
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)


# --- the key ---------------------------------------------------------------------------------------

_key: bytes | None = None


def use_key(key: bytes) -> None:
    """Set the process's audit key (``create_app`` and the CLI do, from the settings)."""
    global _key
    if len(key) < 16:
        raise ValueError("the audit key must be at least 16 bytes")
    _key = key


def current_key() -> bytes:
    """The audit key in use: the one set with :func:`use_key`, else the environment's settings' key."""
    global _key
    if _key is None:
        from api.core.settings import Settings

        _key = Settings().audit_key
    return _key


def held_chain(session: Session) -> str | None:
    """The chain this session's current transaction already appends to, if any.

    A transaction appends to the chain (or, in bulk, the set of chains) it locked first and to no other:
    every later event of the same transaction goes to a chain it already holds. Locks are thus always
    taken in one ordered step per transaction, so two transactions can never deadlock on head rows (a
    certification in a county that also resumes a payment, against a review decision that records first in
    the global chain and then certifies in that county).
    """
    held = session.info.get("_audit_chain")
    if held is not None and held[0] is session.get_transaction():
        return str(held[1])
    return None


def _hold(session: Session, chain: str) -> None:
    session.info["_audit_chain"] = (session.get_transaction(), chain)


def chain_for(region_code: str | None) -> str:
    """The chain of an event about a person registered in ``region_code``: their county's (the first six
    digits of the administrative code), or the global chain when there is no region."""
    if not region_code:
        return GLOBAL_CHAIN
    return f"r:{region_code.strip()[:6]}"


# --- hashing ---------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Make before/after snapshots JSON: enums → values, dates → ISO strings, months → "YYYY-MM",
    recursively."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, YearMonth):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"audit snapshot value of type {type(value).__name__} is not JSON-able")


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_mac(
    key: bytes,
    *,
    chain: str,
    chain_seq: int,
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
    """HMAC-SHA256 of the event's canonical JSON (scheme 2)."""
    payload = {
        "chain": chain,
        "chain_seq": chain_seq,
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
    return hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()


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
    """The unkeyed SHA-256 of scheme 1 (events written before the audit key): verification only."""
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
    return hashlib.sha256(_canonical(payload)).hexdigest()


def _canonical_time(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- appending -------------------------------------------------------------------------------------


def _lock_head(session: Session, chain: str = GLOBAL_CHAIN) -> AuditChainHead:
    """Take ``chain``'s append lock and return its head row, current as of holding the lock (the row is
    created on the chain's first event).

    A no-op UPDATE of the head row comes first: on PostgreSQL it row-locks like SELECT … FOR UPDATE;
    on SQLite it makes the transaction a writer (SQLite ignores FOR UPDATE, and a plain SELECT would
    read a head another connection is about to move).
    """
    for attempt in range(8):
        locked = session.execute(
            sa.update(AuditChainHead)
            .where(AuditChainHead.chain == chain)
            .values(last_seq=AuditChainHead.last_seq)
            .execution_options(synchronize_session=False)
        )
        if cast("sa.CursorResult[Any]", locked).rowcount:  # an UPDATE's result (typed as Result)
            return session.execute(
                sa.select(AuditChainHead)
                .where(AuditChainHead.chain == chain)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).scalar_one()
        _create_head(session, chain, attempt)
    raise RuntimeError(f"could not create the head row of audit chain {chain!r}")


def _create_head(session: Session, chain: str, attempt: int = 0) -> None:
    """Insert ``chain``'s head row unless it exists; the caller locks it and retries.

    The new row's id is a hash of the chain's name (and the attempt), not ``max(id) + 1``: two transactions
    creating two new chains at once then never compete for one id (and never wait for each other); a rare
    collision of two names just tries the next attempt's id. A concurrent creator of the *same* chain wins
    and this insert does nothing (it waits for that transaction, which holds the new chain's lock anyway).
    """
    if chain == GLOBAL_CHAIN:
        new_id = CHAIN_HEAD_ID
    else:
        digest = hashlib.sha256(f"{attempt}:{chain}".encode()).digest()
        new_id = 2 + int.from_bytes(digest[:4], "big") % (2**31 - 3)
    values = {"id": new_id, "chain": chain, "last_seq": 0, "last_hash": GENESIS_HASH}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(AuditChainHead).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(AuditChainHead).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - the two supported backends are above
        session.execute(sa.insert(AuditChainHead).values(**values))


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
    region: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (flushed, not committed). ``region``: the region code of
    the person the event is about (their county's chain); None appends to the global chain — unless the
    transaction already appends to a chain, which it then keeps (:func:`held_chain`)."""
    chain = held_chain(session) or chain_for(region)
    head = _lock_head(session, chain)
    _hold(session, chain)
    fields: dict[str, Any] = {
        "chain": chain,
        "chain_seq": head.last_seq + 1,
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
    ev = AuditEvent(**fields, scheme=SCHEME_HMAC, hash=event_mac(current_key(), **fields))
    session.add(ev)
    head.last_seq = ev.chain_seq
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
    region: str | None = None,
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
        entity_id=row.id if entity_id is None else entity_id,  # type: ignore[attr-defined]  # every table has an id
        after=after,
        region=region,
    )


# --- verifying -------------------------------------------------------------------------------------

_HASHED = ("actor", "action", "entity_type", "entity_id", "before", "after", "reason", "created_at")


def expected_hash(ev: AuditEvent, key: bytes) -> str:
    """What ``ev.hash`` must be, recomputed from its stored fields under its scheme."""
    fields = {name: getattr(ev, name) for name in _HASHED}
    if ev.scheme == SCHEME_SHA256:
        return event_hash(seq=ev.chain_seq, prev_hash=ev.prev_hash, **fields)
    return event_mac(key, chain=ev.chain, chain_seq=ev.chain_seq, prev_hash=ev.prev_hash, **fields)


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of verifying every chain. ``first_bad_seq`` is the position (``chain_seq``) of the first
    bad event in ``chain``; ``heads`` maps each chain to (events, last hash) as verified."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    chain: str | None = None
    heads: dict[str, tuple[int, str]] | None = None


class _ChainState:
    __slots__ = ("count", "keyed", "prev")

    def __init__(self) -> None:
        self.count = 0
        self.prev = GENESIS_HASH
        self.keyed = False


def verify_chain(session: Session, *, key: bytes | None = None, batch: int = 5000) -> ChainReport:
    """Recompute every chain; report the first altered, missing, reordered or unkeyed event, or a chain
    whose head row does not match its events (events removed at the end)."""
    key = key or current_key()
    states: dict[str, _ChainState] = {}
    checked = 0
    rows = session.execute(
        sa.select(AuditEvent)
        .order_by(AuditEvent.chain, AuditEvent.chain_seq)
        .execution_options(yield_per=batch)
    )

    def bad(chain: str, position: int, problem: str) -> ChainReport:
        return ChainReport(False, checked, position, f"chain {chain}: {problem}", chain)

    for ev in rows.scalars():
        st = states.get(ev.chain)
        if st is None:
            st = states[ev.chain] = _ChainState()
        expected_seq = st.count + 1
        if ev.chain_seq != expected_seq:
            return bad(ev.chain, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != st.prev:
            return bad(
                ev.chain,
                ev.chain_seq,
                f"event {ev.chain_seq} does not follow event {ev.chain_seq - 1} (removed or reordered)",
            )
        if ev.scheme == SCHEME_SHA256 and (st.keyed or ev.chain != GLOBAL_CHAIN):
            return bad(
                ev.chain, ev.chain_seq, f"event {ev.chain_seq} is not keyed (rewritten without the key)"
            )
        if ev.scheme not in (SCHEME_SHA256, SCHEME_HMAC):
            return bad(ev.chain, ev.chain_seq, f"event {ev.chain_seq} has an unknown scheme {ev.scheme}")
        if not hmac.compare_digest(expected_hash(ev, key), ev.hash):
            return bad(ev.chain, ev.chain_seq, f"event {ev.chain_seq} was altered (hash mismatch)")
        st.keyed = st.keyed or ev.scheme == SCHEME_HMAC
        st.prev = ev.hash
        st.count += 1
        checked += 1
    heads = {h.chain: h for h in session.execute(sa.select(AuditChainHead)).scalars()}
    for chain in sorted(set(heads) | set(states)):
        st = states.get(chain) or _ChainState()
        head = heads.get(chain)
        last_seq = head.last_seq if head else 0
        last_hash = head.last_hash if head else GENESIS_HASH
        if last_seq != st.count or last_hash != st.prev:
            return ChainReport(
                False,
                checked,
                st.count + 1 if last_seq > st.count else None,
                f"chain {chain}: the chain head records {last_seq} events but {st.count} are present "
                "(events removed at the end, or the head was moved)",
                chain,
            )
    return ChainReport(True, checked, heads={c: (s.count, s.prev) for c, s in states.items()})
