"""The audit trail: keyed chains per county, the append-only guard, signed anchors outside the database, and
detection of each attack a database writer without the key can make (issue 16, finding 8) — on SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
import sqlalchemy as sa

from api import audit
from api.audit import AuditChainHead, AuditEvent, chain_for, record, verify_chain
from api.audit_anchor import anchor_mac, latest_anchor, verify_anchor, write_anchor
from api.core.db import make_sessionmaker
from api.core.storage import LocalStore, Storage
from tests.api.audit_attack import guard_off

WRONG_KEY = b"an attacker's guess at the audit key"
PREFIX = "audit-anchors"


@pytest.fixture(scope="module")
def chain(module_engine) -> int:
    """Ten global events and six in two counties (a transaction each, as the service writes them), committed
    once in the module's template; returns the total."""
    with make_sessionmaker(module_engine)() as s:
        for i in range(10):
            record(
                s,
                actor="staff:1",
                action="entitlement.suspend",
                entity_type="entitlement",
                entity_id=i,
                before={"payment_state": "active"},
                after={"payment_state": "suspended", "since": "2026-03", "名": "张三"},
                reason=f"overdue #{i}",
            )
            s.commit()
        for i in range(3):
            record(
                s,
                actor="staff:2",
                action="certification.record",
                entity_type="certification",
                entity_id=100 + i,
                region="110101001001",
            )
            s.commit()
            record(
                s,
                actor="staff:3",
                action="certification.record",
                entity_type="certification",
                entity_id=200 + i,
                region="330106",
            )
            s.commit()
        return verify_chain(s).checked


@pytest.fixture
def objects(tmp_path) -> Storage:
    return Storage(LocalStore(tmp_path), hashlib.sha256(b"test kek").digest())


def _anchor_check(session, objects):
    return verify_anchor(session, objects, prefix=PREFIX, key=audit.current_key())


def test_chains_verify_and_counties_have_their_own(session, chain) -> None:
    report = verify_chain(session)
    assert report.ok and report.checked == chain and report.first_bad_seq is None
    assert chain_for("110101001001") == chain_for("110101") == "r:110101"
    assert chain_for(None) == "global"
    heads = {h.chain: h.last_seq for h in session.execute(sa.select(AuditChainHead)).scalars()}
    assert heads["r:110101"] == 3 and heads["r:330106"] == 3 and heads["global"] >= 10
    assert report.heads["r:110101"][0] == 3


def test_the_guard_refuses_update_and_delete(session, chain) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.execute(sa.update(AuditEvent).where(AuditEvent.chain_seq == 2).values(reason="x"))
    session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.execute(sa.delete(AuditEvent).where(AuditEvent.chain == "r:330106"))
    session.rollback()
    assert verify_chain(session).ok


def test_altered_field_is_detected_in_any_chain(session, chain) -> None:
    for name in ("global", "r:110101", "r:330106"):
        with guard_off(session):
            session.execute(
                sa.update(AuditEvent)
                .where(AuditEvent.chain == name, AuditEvent.chain_seq == 2)
                .values(reason="nothing to see")
            )
            report = verify_chain(session)
            assert not report.ok and report.chain == name and report.first_bad_seq == 2
            assert "altered" in report.problem
    assert verify_chain(session).ok


def test_removed_row_is_detected(session, chain) -> None:
    with guard_off(session):
        session.execute(sa.delete(AuditEvent).where(AuditEvent.chain == "global", AuditEvent.chain_seq == 6))
        report = verify_chain(session)
        assert not report.ok and report.first_bad_seq == 6 and "missing" in report.problem


def test_removed_last_row_is_detected(session, chain) -> None:
    with guard_off(session):
        last = session.execute(
            sa.select(sa.func.max(AuditEvent.chain_seq)).where(AuditEvent.chain == "r:330106")
        ).scalar_one()
        session.execute(
            sa.delete(AuditEvent).where(AuditEvent.chain == "r:330106", AuditEvent.chain_seq == last)
        )
        report = verify_chain(session)
        assert not report.ok and report.chain == "r:330106" and "removed" in report.problem


def test_reordered_rows_are_detected(session, chain) -> None:
    # Swap the contents of events 2 and 3 while keeping their positions.
    with guard_off(session):
        rows = {
            e.chain_seq: e
            for e in session.execute(
                sa.select(AuditEvent).where(AuditEvent.chain == "global", AuditEvent.chain_seq.in_([2, 3]))
            ).scalars()
        }
        cols = [c.key for c in AuditEvent.__table__.columns if c.key not in ("seq", "chain_seq")]
        two = {c: getattr(rows[2], c) for c in cols}
        three = {c: getattr(rows[3], c) for c in cols}
        session.execute(
            sa.delete(AuditEvent).where(AuditEvent.chain == "global", AuditEvent.chain_seq.in_([2, 3]))
        )
        session.add_all([AuditEvent(chain_seq=2, **three), AuditEvent(chain_seq=3, **two)])
        session.flush()
        report = verify_chain(session)
        assert not report.ok and report.first_bad_seq == 2


def _rewrite_from(session, chain_name: str, position: int, *, key: bytes | None, reason: str) -> None:
    """The attack of finding 8: change one event and recompute every later hash and the head — with a
    guessed key (``key``) or, with ``key=None``, as unkeyed scheme-1 events."""
    events = (
        session.execute(
            sa.select(AuditEvent).where(AuditEvent.chain == chain_name).order_by(AuditEvent.chain_seq)
        )
        .scalars()
        .all()
    )
    prev = events[position - 2].hash if position > 1 else audit.GENESIS_HASH
    for ev in events[position - 1 :]:
        if ev.chain_seq == position:
            ev.reason = reason
        ev.prev_hash = prev
        if key is None:
            ev.scheme = audit.SCHEME_SHA256
        ev.hash = "f" * 64  # placeholder: the unique index must not see two equal hashes mid-way
        session.flush()
        ev.hash = audit.expected_hash(ev, key or b"unused for scheme 1")
        session.flush()
        prev = ev.hash
    session.execute(
        sa.update(AuditChainHead).where(AuditChainHead.chain == chain_name).values(last_hash=prev)
    )
    session.flush()


@pytest.mark.parametrize("as_unkeyed", [False, True], ids=["guessed-key", "unkeyed"])
def test_rewriting_an_event_and_recomputing_later_hashes_is_detected(session, chain, as_unkeyed) -> None:
    for name in ("global", "r:110101"):
        with guard_off(session):
            _rewrite_from(session, name, 2, key=None if as_unkeyed else WRONG_KEY, reason="rewritten")
            report = verify_chain(session)
            assert not report.ok and report.chain == name and report.first_bad_seq == 2, report
            assert ("not keyed" if as_unkeyed else "altered") in report.problem
    assert verify_chain(session).ok


def test_with_the_key_the_rewrite_verifies_so_the_key_is_what_protects(session, chain) -> None:
    """The control of the test above: the same rewrite with the real key passes the chain check, which is
    why the key lives in the settings and never in the database."""
    with guard_off(session):
        _rewrite_from(session, "r:110101", 2, key=audit.current_key(), reason="rewritten")
        assert verify_chain(session).ok


def test_deleting_the_last_event_and_rolling_the_head_back_is_caught_by_the_anchor(
    session, chain, objects
) -> None:
    name = write_anchor(session, objects, prefix=PREFIX, key=audit.current_key())
    assert latest_anchor(objects, PREFIX) == name
    assert _anchor_check(session, objects).ok
    with guard_off(session):
        events = (
            session.execute(
                sa.select(AuditEvent).where(AuditEvent.chain == "r:110101").order_by(AuditEvent.chain_seq)
            )
            .scalars()
            .all()
        )
        session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == events[-1].seq))
        session.execute(
            sa.update(AuditChainHead)
            .where(AuditChainHead.chain == "r:110101")
            .values(last_seq=events[-2].chain_seq, last_hash=events[-2].hash)
        )
        assert verify_chain(session).ok  # the database alone is consistent again …
        report = _anchor_check(session, objects)  # … the anchor outside it is not fooled
        assert not report.ok and "r:110101" in report.problem and "fewer" in report.problem


def test_a_rebuilt_chain_differs_from_the_anchored_head(session, chain, objects) -> None:
    write_anchor(session, objects, prefix=PREFIX, key=audit.current_key())
    with guard_off(session):
        _rewrite_from(session, "r:330106", 1, key=audit.current_key(), reason="even with the key")
        assert verify_chain(session).ok
        report = _anchor_check(session, objects)
        assert not report.ok and "rewritten" in report.problem


def test_forged_and_altered_anchors_are_detected(session, chain, objects) -> None:
    name = write_anchor(session, objects, prefix=PREFIX, key=audit.current_key())
    document = json.loads(objects.get(name))
    # altered: one count lowered, the signature kept
    altered = {
        **document,
        "chains": {**document["chains"], "global": {**document["chains"]["global"], "events": 1}},
    }
    objects.put(name, json.dumps(altered).encode())
    report = _anchor_check(session, objects)
    assert not report.ok and "forged or altered" in report.problem
    # forged: a newer anchor signed with a guessed key
    body = {k: v for k, v in document.items() if k != "mac"}
    body["created_at"] = "2999-01-01T00:00:00.000000Z"
    forged = {**body, "mac": anchor_mac(WRONG_KEY, body)}
    objects.put(f"{PREFIX}/2999/01/01/29990101T000000000000Z.json", json.dumps(forged).encode())
    report = _anchor_check(session, objects)
    assert not report.ok and "forged" in report.problem and report.anchor.startswith(f"{PREFIX}/2999")
    # garbage
    objects.put(f"{PREFIX}/3000/01/01/30000101T000000000000Z.json", b"not json")
    assert not _anchor_check(session, objects).ok


def test_no_anchor_yet_is_reported_as_such(session, chain, objects) -> None:
    report = _anchor_check(session, objects)
    assert report.ok and report.anchor is None


def test_concurrent_appends_never_fork_a_chain(engine, chain) -> None:
    factory = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(8):
                with factory() as s:
                    region = ("110101", "330106", None, "440305")[n]
                    record(
                        s,
                        actor=f"worker:{n}",
                        action="test.append",
                        entity_type="t",
                        entity_id=i,
                        region=region,
                    )
                    record(s, actor=f"worker:{n}", action="test.append", entity_type="t", entity_id=i)
                    s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with factory() as s:
        before = verify_chain(s).checked
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with factory() as s:
        report = verify_chain(s)
        assert report.ok, report
        assert report.checked == before + 64
        assert report.heads["r:440305"][0] == 16  # both of each transaction's events: the chain it holds


def test_appends_in_another_county_do_not_wait_for_an_open_transaction(engine, chain) -> None:
    """PostgreSQL: a transaction holding county A's head row (uncommitted) blocks appends to A only; appends
    to county B and to the global chain go through. A lock_timeout turns waiting into an error, so the test
    observes the lock state, not time. (SQLite has one writer per database: nothing to show there.)"""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises all writers; per-chain locks matter on PostgreSQL")
    factory = make_sessionmaker(engine)
    with factory() as holder, factory() as other:
        record(holder, actor="t:1", action="test.hold", entity_type="t", entity_id=1, region="110101")
        other.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        record(other, actor="t:2", action="test.other", entity_type="t", entity_id=2, region="330106")
        record(other, actor="t:2", action="test.other", entity_type="t", entity_id=3)
        other.commit()
        other.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
            record(other, actor="t:2", action="test.same", entity_type="t", entity_id=4, region="110101001")
        other.rollback()
        holder.commit()
    # Two counties' first events at once: creating two new head rows never makes one wait for the other.
    with factory() as first, factory() as second:
        record(first, actor="t:3", action="test.new", entity_type="t", entity_id=5, region="510104")
        second.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        record(second, actor="t:4", action="test.new", entity_type="t", entity_id=6, region="510105")
        second.commit()
        first.commit()
    with factory() as s:
        report = verify_chain(s)
        assert report.ok and report.heads["r:510104"][0] == report.heads["r:510105"][0] == 1


def test_a_transaction_keeps_the_chain_it_locked_first(session, chain) -> None:
    from api.comparison.bulk_audit import PendingEvent, append_many

    first = record(session, actor="t", action="test.sticky", entity_type="t", entity_id=1, region="110101")
    then = record(session, actor="t", action="test.sticky", entity_type="t", entity_id=2)  # no region
    assert first.chain == then.chain == "r:110101"
    session.commit()
    first = record(
        session, actor="t", action="test.sticky", entity_type="t", entity_id=3
    )  # a new transaction
    append_many(session, [PendingEvent("t", "test.bulk", "t", 4, region="330106")])
    bulk = session.execute(sa.select(AuditEvent).where(AuditEvent.action == "test.bulk")).scalar_one()
    assert first.chain == bulk.chain == "global"
    session.commit()
    append_many(
        session,
        [
            PendingEvent("t", "test.bulk2", "t", 5, region="330106"),
            PendingEvent("t", "test.bulk2", "t", 6, region="110101"),
        ],
    )
    after = record(session, actor="t", action="test.after", entity_type="t", entity_id=7, region="440305")
    assert after.chain == "r:110101"  # the first of the chains the batch holds
    session.commit()
    assert verify_chain(session).ok


def test_opposite_orders_of_chains_never_deadlock(engine, chain) -> None:
    """PostgreSQL: T1 appends in a county then wants the global chain, T2 the other way round. Each keeps the
    chain it locked first, so neither waits (a lock timeout would raise if one did)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises all writers")
    factory = make_sessionmaker(engine)
    with factory() as t1, factory() as t2:
        for s in (t1, t2):
            s.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        record(t1, actor="t1", action="test.order", entity_type="t", entity_id=1, region="110101")
        record(t2, actor="t2", action="test.order", entity_type="t", entity_id=2)
        record(t1, actor="t1", action="test.order", entity_type="t", entity_id=3)
        record(t2, actor="t2", action="test.order", entity_type="t", entity_id=4, region="110101")
        t1.commit()
        t2.commit()
    with factory() as s:
        assert verify_chain(s).ok


def test_a_whole_county_chain_removed_with_its_head_is_caught_by_the_anchor(session, chain, objects) -> None:
    write_anchor(session, objects, prefix=PREFIX, key=audit.current_key())
    with guard_off(session):
        session.execute(sa.delete(AuditEvent).where(AuditEvent.chain == "r:330106"))
        session.execute(sa.delete(AuditChainHead).where(AuditChainHead.chain == "r:330106"))
        assert verify_chain(session).ok  # nothing left in the database says the chain existed …
        report = _anchor_check(session, objects)
        assert not report.ok and "r:330106" in report.problem  # … the anchor does
