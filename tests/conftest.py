"""Database and API fixtures shared by every test package.

Backends: every database fixture is parametrised over ``sqlite`` (a temp file, always) and
``postgresql`` (when ``LIFECERT_TEST_PG_URL`` names a server, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``; each test module gets its own uniquely named
database, created and dropped here, so concurrent runs never clash). With ``CI=true`` and no
``LIFECERT_TEST_PG_URL`` the postgresql cases fail loudly instead of skipping.

Fixtures (scope):
* ``db_url`` (module) — URL of a fresh database migrated to head with ``lifecert db upgrade``'s code.
  Test ids carry ``[sqlite]`` / ``[postgresql]``. All tests of a module share it: use unique ID numbers.
* ``engine`` (module) — a SQLAlchemy engine on ``db_url``.
* ``session`` (function) — a Session on ``engine``; closed (uncommitted work rolled back) after the test.
* ``settings`` (module) — ``api.core.settings.Settings`` for that database (env=test, temp data_dir, rate
  limits off).
* ``client`` (module) — ``fastapi.testclient.TestClient`` over ``create_app(settings)``.
* ``make_client`` (function) — ``make_client(**settings_overrides)`` → a TestClient with changed
  settings on the same database (e.g. ``limits=LimitSettings(person_lookup="2/hour")``).
* ``make_person`` (function) — inserts a region + beneficiary + entitlement(s) and returns the
  Beneficiary; see ``tests/api/factories.py``.
* ``make_staff`` (function) — ``make_staff(role)`` → Authorization headers of a new staff member (real
  account, real login on ``client``); ``with_id=True`` → (headers, staff id); ``region_code=`` a code of
  ``tests/api/factories.TREE`` gives the account that region (default None: the whole country).
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.shared_data import in_ci


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--busy-cores",
        type=int,
        default=0,
        metavar="N",
        help="keep N processes spinning on the CPU for the whole run (proves a test does not depend on an "
        "idle machine: .ci/run runs the browser tests so, three times in a row)",
    )


@pytest.fixture(scope="session", autouse=True)
def _busy_cores(request: pytest.FixtureRequest) -> Iterator[None]:
    """``--busy-cores N``: N busy-loop processes beside the tests, stopped at the end of the session."""
    import subprocess
    import sys

    count = request.config.getoption("--busy-cores")
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for proc in spinners:
            proc.kill()
            proc.wait()


PG_ENV = "LIFECERT_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_server_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        msg = f"{PG_ENV} is not set: PostgreSQL tests need a server URL (see tests/conftest.py)"
        if in_ci():
            pytest.fail(msg + " — in CI this is an error, not a skip")
        pytest.skip(msg)
    return url


_swept: set[str] = set()


def _drop_leftovers(conn) -> None:
    """Drop test databases left behind by runs that were killed (their process no longer exists)."""
    import sqlalchemy as sa

    names = conn.execute(
        sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'lifecert\\_t\\_%'")
    ).scalars()
    for name in names:
        pid = name.split("_")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _create_pg_database(server_url: str) -> tuple[str, Callable[[], None]]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"lifecert_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        if server_url not in _swept:
            _swept.add(server_url)
            _drop_leftovers(conn)
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="module", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from api.core.db import upgrade

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "lifecert.sqlite3"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    url, drop = _create_pg_database(_pg_server_url())
    try:
        upgrade(url)
        yield url
    finally:
        drop()


@pytest.fixture(scope="module")
def engine(db_url: str):
    from api.core.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    from api.core.db import make_sessionmaker

    with make_sessionmaker(engine)() as s:
        yield s


@pytest.fixture(scope="module")
def settings(db_url: str, tmp_path_factory: pytest.TempPathFactory):
    from api.core.settings import Environment, LimitSettings, Settings

    return Settings(
        env=Environment.TEST,
        database_url=db_url,
        data_dir=tmp_path_factory.mktemp("data"),
        limits=LimitSettings(enabled=False),
    )


@pytest.fixture(scope="module")
def client(settings):
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def make_client(settings):
    from fastapi.testclient import TestClient

    from api.main import create_app

    opened: list[TestClient] = []

    def factory(**overrides) -> TestClient:
        c = TestClient(create_app(settings.model_copy(update=overrides)))
        c.__enter__()
        opened.append(c)
        return c

    yield factory
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def make_person(session):
    from tests.api.factories import PersonFactory

    return PersonFactory(session)


_staff_names = itertools.count(1)


@pytest.fixture
def make_staff(client, session) -> Callable[..., dict[str, str]]:
    """``make_staff(role)`` → Authorization headers of a new staff member with that role (real account, real
    login); ``make_staff(role, with_id=True)`` → (headers, staff id); ``region_code=`` the account's
    region (None: national scope)."""
    from api.auth import service
    from tests.api.factories import ensure_regions

    def factory(role, *, with_id: bool = False, region_code: str | None = None):
        username = f"{role.value}{next(_staff_names)}_{uuid.uuid4().hex[:6]}"
        if region_code is not None:
            ensure_regions(session, region_code)
        staff = service.create_staff(
            session,
            username=username,
            name=f"Staff {role.value}",
            role=role,
            password="correct horse",
            region_code=region_code,
            actor="system:test",
        )
        session.commit()
        resp = client.post(
            "/api/v1/auth/staff/login", json={"username": username, "password": "correct horse"}
        )
        assert resp.status_code == 200, resp.text
        headers = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        return (headers, staff.id) if with_id else headers

    return factory


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
