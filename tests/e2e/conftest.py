"""Browser tests: a real API (uvicorn, seeded SQLite) and the web client (``python -m app``) as subprocesses,
driven by Playwright with Debian's Chromium (never ``playwright install``). One browser per session.

Skipped with a clear message when /usr/bin/chromium is absent (``apt-get install -y chromium``), failed
when CI=true. Screenshots of each step go to ``test-artifacts/e2e/`` (git-ignored): look at them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.shared_data import REPO_ROOT, in_ci

CHROMIUM = Path(os.environ.get("LIFECERT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE_VIEWPORT = {"width": 480, "height": 960}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str


@dataclass(frozen=True)
class Stack:
    api_url: str
    web_url: str
    certified: DemoPerson  # 张建国: certified this window by self face
    due: DemoPerson  # 李秀英: certified last window, this one is open
    api_log: Path

    def status_calls(self) -> int:
        """POST /api/v1/status requests the API has logged so far (uvicorn access log)."""
        return self.api_log.read_text(errors="replace").count("POST /api/v1/status")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def seed(db_url: str) -> tuple[DemoPerson, DemoPerson]:
    """Migrate and seed the demo roster (``lifecert demo``'s own seeding); returns two of its people."""
    from api.config import Settings
    from api.db import make_engine, make_sessionmaker, session_scope, upgrade
    from api.demo import DEMO_PEOPLE, seed_demo
    from api.policy_loader import load_policy

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            seed_demo(session, policy=load_policy(Settings().policy_file))
    finally:
        engine.dispose()
    certified = next(p for p in DEMO_PEOPLE if p.name == "张建国")
    due = next(p for p in DEMO_PEOPLE if p.name == "李秀英")
    return DemoPerson(certified.id_number, certified.name), DemoPerson(due.id_number, due.name)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} not found: browser tests need Debian's chromium (apt-get install -y chromium)"
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return CHROMIUM


@pytest.fixture(scope="session")
def stack(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    certified, due = seed(db_url)
    api_port, web_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(LIFECERT_DATABASE_URL=db_url, LIFECERT_DATA_DIR=str(work / "data"), LIFECERT_ENV="test",
               LIFECERT_STATUS_RATE_PER_MINUTE="0", PYTHONUNBUFFERED="1")
    api_log, web_log = work / "api.log", work / "web.log"
    api_url, web_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{web_port}"
    procs: list[subprocess.Popen] = []
    try:
        with api_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(api_port)],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        with web_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "app", "--port", str(web_port), "--api", api_url],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        wait_http(f"{api_url}/healthz", procs[0], api_log)
        wait_http(web_url, procs[1], web_log)
        yield Stack(api_url, web_url, certified, due, api_log)
    finally:
        for proc in procs:
            stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, stack: Stack, request: pytest.FixtureRequest):
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest):
    """``shots(page, "step")`` saves test-artifacts/e2e/<test>-NN-step.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(pg, step: str) -> Path:
        pg.wait_for_timeout(800)  # the semantics tree updates before the page transition has been painted
        path = ARTIFACTS / f"{request.node.name}-{next(counter):02d}-{step}.png"
        pg.screenshot(path=str(path))
        return path

    return take
