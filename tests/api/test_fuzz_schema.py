"""Schemathesis over the whole OpenAPI document, in process (ASGI), as every kind of caller: no token, a
family helper, and staff of each role. Valid and invalid requests (NUL bytes, huge integers, odd dates,
wrong types) are generated for every operation; any 5xx fails the test, with the request that caused it.

The database is a fresh one with the demo roster (a few people, their regions) and one account per role.
``LIFECERT_FUZZ_EXAMPLES`` sets the examples per operation, caller and mode (default 4: the whole run stays
within a few minutes on a busy two-core machine). Runs on SQLite and on PostgreSQL (NUL bytes are what
PostgreSQL refuses), like every database test.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hyp_settings

from shared.enums import StaffRole
from shared.idnumber import make_id_number

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("LIFECERT_FUZZ_EXAMPLES", "4"))
PASSWORD = "correct horse battery"
FEED_SOURCE = "feed source"  # the caller with a data source's key: only for the feed API's paths
HELPER_ID = make_id_number("110101", date(1970, 5, 17), 7)  # valid, and no demo person's


@pytest.fixture  # one test per backend: the fresh database of that test
def app(settings, engine):
    from api.auth import service
    from api.core.db import make_sessionmaker
    from api.demo import seed_demo
    from api.main import create_app

    with make_sessionmaker(engine)() as session:
        seed_demo(session)
        for role in StaffRole:
            service.create_staff(
                session,
                username=f"fuzz-{role.value}-{uuid.uuid4().hex[:6]}",
                name=f"Fuzz {role.value}",
                role=role,
                password=PASSWORD,
                region_code=None if role is StaffRole.ADMIN else "110101",
                actor="system:test",
            )
        session.commit()
    return create_app(settings)


@pytest.fixture
def callers(app, engine) -> dict[str, dict[str, str]]:
    """Authorization headers per kind of caller (real sign-ins)."""
    import sqlalchemy as sa

    from api.auth.models import StaffUser

    out: dict[str, dict[str, str]] = {"anonymous": {}}
    with TestClient(app) as client, engine.connect() as conn:
        names = conn.execute(
            sa.select(StaffUser.username, StaffUser.role).where(StaffUser.username.like("fuzz-%"))
        ).all()
        for username, role in names:
            resp = client.post("/api/v1/auth/staff/login", json={"username": username, "password": PASSWORD})
            assert resp.status_code == 200, resp.text
            out[str(role)] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        helper_id = HELPER_ID
        resp = client.post(
            "/api/v1/helpers",
            json={"id_number": helper_id, "name": "帮办人", "phone": "13800000000", "password": PASSWORD},
        )
        assert resp.status_code == 201, resp.text
        resp = client.post("/api/v1/auth/helper/login", json={"username": helper_id, "password": PASSWORD})
        assert resp.status_code == 200, resp.text
        out["helper"] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
    from api.comparison.sources import add_source
    from api.core.db import make_sessionmaker

    with make_sessionmaker(engine)() as session:  # a data source (national scope), for the feed API only
        issued = add_source(
            session, name="fuzz-source", kinds=["death"], region_code=None, actor="system:test"
        )
        session.commit()
        out[FEED_SOURCE] = {"X-Feed-Key": issued.key}
    return out


def _run_operation(operation, headers: dict[str, str], failures: list[str], label: str) -> None:
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
        generation_mode=GenerationMode.NEGATIVE
    )

    @hyp_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # an exception escaping the app is a server error too
            failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}\n    {case.as_curl_command()}")
            return
        if response.status_code >= 500:
            failures.append(
                f"{label}: {response.status_code} {response.text[:200]}\n    {case.as_curl_command()}"
            )

    check()


def test_no_server_errors_for_any_caller(app, callers) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        for who, headers in callers.items():
            if who == FEED_SOURCE and not operation.path.startswith("/api/v1/feeds"):
                continue
            _run_operation(operation, headers, failures, f"{operation.label} as {who}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
