"""Read-only traffic on a real hot standby with the primary as fallback, and the API through a real
PgBouncer (transaction pooling): status lookups keep answering when the standby is down or lagging."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import Environment, LimitSettings, Settings
from api.main import create_app
from tests.api.factories import PersonFactory

pytestmark = pytest.mark.cluster


def _db(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/lifecert"


@pytest.fixture
def stack(pg_pair, pgbouncer, tmp_path):
    primary, standby = pg_pair
    settings = Settings(
        env=Environment.TEST,
        database_url=pgbouncer.url("lifecert"),
        database_prepared_statements=False,
        database_read_url=_db(standby.url),
        database_read_max_lag_seconds=0.5,
        database_read_recheck_seconds=0,  # check the standby before every read: the test steps are exact
        data_dir=tmp_path,
        limits=LimitSettings(enabled=False),
    )
    app = create_app(settings)
    writer = make_engine(_db(primary.url))
    with TestClient(app) as client, Session(writer) as session:
        yield app, client, PersonFactory(session), standby
    writer.dispose()


def _on_standby(standby, id_number: str) -> bool:
    sql = f"SELECT count(*) FROM beneficiaries WHERE id_number = '{id_number}'"
    return standby.psql(sql, dbname="lifecert") == "1"


def _wait(check, timeout: float = 60.0) -> None:
    from tests.cluster.conftest import cluster

    cluster.wait_until(check, "state not reached", timeout)


def _lookup(client, person):
    return client.post("/api/v1/status", json={"id_number": person.id_number, "name": person.name})


def test_lookups_use_the_standby_and_keep_answering_while_it_is_down(stack) -> None:
    app, client, make_person, standby = stack
    reads = app.state.reads
    person = make_person(name="王备库", birth=date(1950, 5, 1))
    _wait(lambda: _on_standby(standby, person.id_number))

    before = reads.served["standby"]
    resp = _lookup(client, person)
    assert resp.status_code == 200 and resp.json()["masked_name"] == "王*库"
    assert reads.served["standby"] == before + 1

    standby.stop("immediate")
    try:
        before_primary = reads.served["primary"]
        for _ in range(3):
            resp = _lookup(client, person)
            assert resp.status_code == 200
        assert reads.served["primary"] == before_primary + 3
        assert "unreachable" in reads.last_reason or "failed" in reads.last_reason
        # statistics (a read-only session) fall back too
        assert client.get("/readyz").status_code == 200  # the primary is what readiness needs
    finally:
        standby.start()
    # back and caught up, the standby answers lookups again (a moment of replay lag right after it
    # reconnects sends a lookup to the primary: the state waited for is a lookup the standby served)
    _wait(lambda: _served_by_standby(client, reads, person))


def _served_by_standby(client, reads, person) -> bool:
    before = reads.served["standby"]
    assert _lookup(client, person).status_code == 200
    return reads.served["standby"] == before + 1


def test_a_lagging_standby_is_bypassed_so_a_new_person_is_found(stack) -> None:
    app, client, make_person, standby = stack
    reads = app.state.reads
    standby.psql("SELECT pg_wal_replay_pause()", dbname="lifecert")
    try:
        person = make_person(name="李滞后", birth=date(1949, 7, 1))
        _wait(lambda: reads.engine() is reads.primary)  # replay paused: the lag passes 0.5 s
        assert "lags" in reads.last_reason
        assert not _on_standby(standby, person.id_number)
        resp = _lookup(client, person)
        assert resp.status_code == 200 and resp.json()["masked_name"] == "李*后"
    finally:
        standby.psql("SELECT pg_wal_replay_resume()", dbname="lifecert")
    _wait(lambda: _on_standby(standby, person.id_number))
    _wait(lambda: reads.engine() is reads.standby)


def test_the_api_works_through_pgbouncer_in_transaction_pooling(stack, pgbouncer) -> None:
    app, client, make_person, _ = stack
    from api.auth import service
    from shared.enums import StaffRole

    with app.state.sessionmaker() as session:  # writes go through PgBouncer to the primary
        service.create_staff(
            session,
            username="bouncer-admin",
            name="Admin",
            role=StaffRole.ADMIN,
            password="correct horse",
            region_code=None,
            actor="system:test",
        )
        session.commit()
    before = pgbouncer.transactions("lifecert")
    tokens = set()
    for _ in range(12):  # more than psycopg's prepare threshold (5): prepared statements must be off
        resp = client.post(
            "/api/v1/auth/staff/login", json={"username": "bouncer-admin", "password": "correct horse"}
        )
        assert resp.status_code == 200, resp.text
        tokens.add(resp.json()["access_token"])
    headers = {"Authorization": f"Bearer {tokens.pop()}"}
    assert client.get("/api/v1/backoffice/stats", headers=headers).status_code == 200
    assert pgbouncer.transactions("lifecert") >= before + 12
    with make_engine(pgbouncer.url("lifecert"), prepared_statements=False).connect() as conn:
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM staff_users WHERE username = 'bouncer-admin'")
            ).scalar()
            == 1
        )
