"""The single SHA-256 chain of before the audit key, migrated: its events keep verifying, new events are
keyed and partitioned, and ``lifecert audit anchor`` / ``audit verify`` work on the result (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from api import audit
from api.cli import main
from api.core.db import make_engine, make_sessionmaker, upgrade
from tests.api.audit_attack import guard_off
from tests.conftest import BACKENDS, _create_pg_database, _pg_server_url

BEFORE = "0008_notice_channels"  # the revision before 0009_audit_partitions


@pytest.fixture(params=BACKENDS)
def old_db(request, tmp_path):
    """A database at the revision before the partitioned chains, holding a legacy chain of 5 events."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'old.sqlite3'}", None
    else:
        url, drop = _create_pg_database(_pg_server_url())
    upgrade(url, BEFORE)
    engine = make_engine(url)
    prev, t0 = audit.GENESIS_HASH, datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        for seq in range(1, 6):
            fields = {
                "seq": seq,
                "actor": "staff:1",
                "action": "entitlement.suspend",
                "entity_type": "entitlement",
                "entity_id": str(seq),
                "before": None,
                "after": {"n": seq, "名": "张三"},
                "reason": None if seq % 2 else f"old #{seq}",
                "created_at": t0 + timedelta(minutes=seq),
                "prev_hash": prev,
            }
            h = audit.event_hash(**fields)
            conn.execute(sa.insert(_legacy_table()).values(**fields, hash=h))
            prev = h
        conn.execute(
            sa.text("UPDATE audit_chain_head SET last_seq = 5, last_hash = :h WHERE id = 1"), {"h": prev}
        )
    engine.dispose()
    yield url
    if drop:
        drop()


def _legacy_table() -> sa.Table:
    from api.core.db import UTCDateTime

    return sa.Table(
        "audit_events",
        sa.MetaData(),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("actor", sa.String),
        sa.Column("action", sa.String),
        sa.Column("entity_type", sa.String),
        sa.Column("entity_id", sa.String),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("prev_hash", sa.String),
        sa.Column("hash", sa.String),
    )


def test_legacy_events_keep_verifying_and_new_ones_are_keyed(old_db, tmp_path, monkeypatch, capsys) -> None:
    upgrade(old_db)
    engine = make_engine(old_db)
    factory = make_sessionmaker(engine)
    try:
        with factory() as s:
            report = audit.verify_chain(s)
            assert report.ok and report.checked == 5, report
            audit.record(s, actor="staff:2", action="x.after", entity_type="t", entity_id=1)
            s.commit()
            audit.record(s, actor="staff:2", action="x.county", entity_type="t", entity_id=2, region="110101")
            s.commit()
            rows = s.execute(sa.select(audit.AuditEvent).order_by(audit.AuditEvent.seq)).scalars().all()
            assert [(e.chain, e.chain_seq, e.scheme) for e in rows] == [
                *(("global", i, 1) for i in range(1, 6)),
                ("global", 6, 2),
                ("r:110101", 1, 2),
            ]
            assert rows[5].seq == 6 and rows[5].prev_hash == rows[4].hash  # the keyed event pins the old ones
            report = audit.verify_chain(s)
            assert report.ok and report.checked == 7

            # the command line: anchor, then verify (exit 0); an attacker's edit of an old event: exit 1
            monkeypatch.setenv("LIFECERT_DATA_DIR", str(tmp_path / "data"))
            assert main(["--database-url", old_db, "audit", "verify"]) == 0
            assert "no audit anchor yet" in capsys.readouterr().out
            assert main(["--database-url", old_db, "audit", "anchor"]) == 0
            assert list((tmp_path / "data" / "audit-anchors").rglob("*.json"))
            assert main(["--database-url", old_db, "audit", "verify"]) == 0
            assert "latest anchor OK" in capsys.readouterr().out

            with guard_off(s, commit=True):
                s.execute(
                    sa.update(audit.AuditEvent).where(audit.AuditEvent.chain_seq == 3).values(reason="edited")
                )
            assert main(["--database-url", old_db, "audit", "verify"]) == 1
            assert "altered" in capsys.readouterr().err
            assert main(["--database-url", old_db, "audit", "anchor"]) == 1  # no anchor blesses damage
    finally:
        engine.dispose()
