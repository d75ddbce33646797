"""Database and API fixtures shared by every test package.

Backends: every database fixture is parametrised over ``sqlite`` (a temp file, always) and
``postgresql`` (when ``LIFECERT_TEST_PG_URL`` names a server, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). With ``CI=true`` and no
``LIFECERT_TEST_PG_URL`` the postgresql cases fail loudly instead of skipping.

Every test gets a fresh database: the migrations run once per backend and test session into a template
(``db_templates``), and each test gets a copy of it — a file copy for SQLite, ``CREATE DATABASE ...
TEMPLATE`` for PostgreSQL (uniquely named, dropped after the test, so concurrent runs never clash).

Fixtures (scope):
* ``db_templates`` (session) — the migrated templates (``migrated(backend)``) and ``copy(url, dir)``.
* ``db_backend`` (module) — "sqlite" or "postgresql"; test ids carry ``[sqlite]`` / ``[postgresql]``.
* ``module_db_url``, ``module_engine``, ``module_settings`` (module) — the module's template (a copy of the
  migrated one): module-scoped fixtures put there what every test of the module starts with (accounts,
  regions), once; close what they open on it before returning.
* ``db_url`` (function) — URL of the test's own database: a copy of the module's template.
* ``engine`` (function) — a SQLAlchemy engine on ``db_url``.
* ``session`` (function) — a Session on ``engine``; closed (uncommitted work rolled back) after the test.
* ``settings`` (function) — ``api.core.settings.Settings`` for that database (env=test, temp data_dir, rate
  limits off).
* ``client`` (function) — ``fastapi.testclient.TestClient`` over ``create_app(settings)``.
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
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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


def _create_pg_database(server_url: str, template: str | None = None) -> tuple[str, Callable[[], None]]:
    """A new uniquely named database (empty, or a copy of ``template``) and the function that drops it."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"lifecert_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        if server_url not in _swept:
            _swept.add(server_url)
            _drop_leftovers(conn)
        copy = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


class DatabaseTemplates:
    """One database per backend migrated to head (made on first use), and copies of any test database.

    A PostgreSQL copy is dropped by a background thread (a drop takes longer than the copy); every drop
    is done before the session ends."""

    def __init__(self, work_dir: Path) -> None:
        self._dir = work_dir
        self._migrated: dict[str, str] = {}  # backend → URL of the migrated template
        self._template_drop: Callable[[], None] | None = None
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-test-db")
        self._drops: list[Future[None]] = []

    def migrated(self, backend: str) -> str:
        """URL of the session's template for ``backend`` ("sqlite" or "postgresql"), migrated to head."""
        from api.core.db import upgrade

        if backend not in self._migrated:
            if backend == "sqlite":
                url = f"sqlite:///{self._dir / 'template.sqlite3'}"
            else:
                url, self._template_drop = _create_pg_database(_pg_server_url())
            upgrade(url)
            self._migrated[backend] = url
        return self._migrated[backend]

    def copy(self, source_url: str, work_dir: Path) -> tuple[str, Callable[[], None]]:
        """A new database with the content of ``source_url`` (SQLite: a file in ``work_dir``), and the
        function that drops it."""
        from sqlalchemy.engine import make_url

        source = make_url(source_url)
        if source.get_backend_name() == "sqlite":
            with sqlite3.connect(str(source.database)) as conn:  # all in the main file: no -wal to copy
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            target = work_dir / "lifecert.sqlite3"
            shutil.copyfile(str(source.database), target)
            return f"sqlite:///{target}", lambda: None
        url, drop = _create_pg_database(_pg_server_url(), template=str(source.database))
        return url, lambda: self._drops.append(self._dropper.submit(drop))

    def close(self) -> None:
        self._dropper.shutdown(wait=True)
        for done in self._drops:
            done.result()
        if self._template_drop is not None:
            self._template_drop()


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplates]:
    templates = DatabaseTemplates(tmp_path_factory.mktemp("db-template"))
    yield templates
    templates.close()


@pytest.fixture(scope="module", params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """The backend of the module's tests (the test id's ``[sqlite]`` / ``[postgresql]``)."""
    return request.param


@pytest.fixture(scope="module")
def module_db_url(
    db_backend: str, db_templates: DatabaseTemplates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The module's own template, a copy of the migrated one: module-scoped fixtures write here the data
    every test of the module starts with (accounts, a region tree); each test gets a copy (``db_url``)."""
    url, drop = db_templates.copy(db_templates.migrated(db_backend), tmp_path_factory.mktemp("db"))
    yield url
    drop()


@pytest.fixture(scope="module")
def module_settings(module_db_url: str, tmp_path_factory: pytest.TempPathFactory):
    """Settings on the module's template, for module-scoped fixtures that seed it through the API (close
    every client and engine on it before the fixture returns: PostgreSQL copies need it idle)."""
    return _test_settings(module_db_url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def module_engine(module_db_url: str):
    """An engine on the module's template; without a pool, so it holds no connection between uses."""
    import sqlalchemy as sa

    from api.core.db import make_engine

    eng = make_engine(module_db_url, poolclass=sa.pool.NullPool)
    yield eng
    eng.dispose()


@pytest.fixture
def db_url(
    module_db_url: str, db_templates: DatabaseTemplates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    url, drop = db_templates.copy(module_db_url, tmp_path_factory.mktemp("db"))
    try:
        yield url
    finally:
        drop()


def _test_settings(db_url: str, data_dir: Path):
    from api.core.settings import Environment, LimitSettings, Settings

    return Settings(
        env=Environment.TEST, database_url=db_url, data_dir=data_dir, limits=LimitSettings(enabled=False)
    )


@pytest.fixture
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


@pytest.fixture
def settings(db_url: str, tmp_path_factory: pytest.TempPathFactory):
    return _test_settings(db_url, tmp_path_factory.mktemp("data"))


@pytest.fixture
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
