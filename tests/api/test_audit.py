"""The hash-chained audit trail: appends, verification, and detection of tampering."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent, record, verify_chain
from api.core.db import make_sessionmaker


@pytest.fixture(scope="module")
def chain(engine) -> int:
    """Ten events committed once for the module; returns the chain length."""
    with make_sessionmaker(engine)() as s:
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
        return verify_chain(s).checked


def test_chain_verifies(session, chain) -> None:
    report = verify_chain(session)
    assert report.ok and report.checked == chain and report.first_bad_seq is None


def test_altered_field_is_detected(session, chain) -> None:
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 4).values(reason="nothing to see"))
    report = verify_chain(session)
    assert not report.ok and report.first_bad_seq == 4 and "altered" in report.problem
    session.rollback()
    assert verify_chain(session).ok


def test_removed_row_is_detected(session, chain) -> None:
    session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 6))
    report = verify_chain(session)
    assert not report.ok and report.first_bad_seq == 6 and "missing" in report.problem
    session.rollback()


def test_removed_last_row_is_detected(session, chain) -> None:
    last = session.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar_one()
    session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == last))
    report = verify_chain(session)
    assert not report.ok and "removed" in report.problem
    session.rollback()


def test_reordered_rows_are_detected(session, chain) -> None:
    # Swap the contents of events 2 and 3 while keeping their sequence numbers.
    rows = {
        e.seq: e for e in session.execute(sa.select(AuditEvent).where(AuditEvent.seq.in_([2, 3]))).scalars()
    }
    cols = [column.key for column in AuditEvent.__table__.columns if column.key != "seq"]
    two = {c: getattr(rows[2], c) for c in cols}
    three = {c: getattr(rows[3], c) for c in cols}
    session.execute(sa.delete(AuditEvent).where(AuditEvent.seq.in_([2, 3])))
    session.add_all([AuditEvent(seq=2, **three), AuditEvent(seq=3, **two)])
    session.flush()
    report = verify_chain(session)
    assert not report.ok and report.first_bad_seq == 2
    session.rollback()


def test_concurrent_appends_never_fork_the_chain(engine, chain) -> None:
    factory = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(8):
                with factory() as s:
                    record(s, actor=f"worker:{n}", action="test.append", entity_type="t", entity_id=i)
                    s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with factory() as s:
        report = verify_chain(s)
        assert report.ok, report
        assert report.checked == chain + 32
