"""Browser tests: a real API (uvicorn, seeded SQLite) and a web app (``python -m app.citizen``; the staff
tests start ``python -m app.staff``) as subprocesses, driven by Playwright with Debian's Chromium (never
Playwright's own browser download). One browser per session.

Skipped with a clear message when /usr/bin/chromium is absent (``apt-get install -y chromium``), failed
when CI=true. Screenshots of each step go to ``test-artifacts/e2e/`` (git-ignored): look at them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.flutter import TIMEOUT_MS
from tests.shared_data import REPO_ROOT, SHARED_DIR, in_ci

CHROMIUM = Path(os.environ.get("LIFECERT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
# No --disable-gpu: WebGL through SwiftShader (software), as a phone has a GPU. Without WebGL, the skwasm
# renderer (the one Flutter picks in Chromium) kept Flet's "Working..." start-up picture on screen after
# about one page load in ten while the app behind it was ready (54 loads in a row painted with WebGL).
# The apps run with the renderer they ship with (Flutter's choice, skwasm in Chromium): with CanvasKit
# (FLET_WEB_RENDERER=canvaskit) the person screen → change form and a home-visit step stopped drawing
# ("Error at Picture._cullRect" in canvaskit.js on every frame), which skwasm draws fine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 480, "height": 960}
SMALL_PHONE_VIEWPORT = {"width": 390, "height": 844}


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
    face: DemoPerson  # 孙国庆: overdue, has a reference photo (d10.mp4 frame 0) for the face tests
    relative: DemoPerson  # 吴天佑: due, same reference photo, bound by a family helper
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
            raise RuntimeError(
                f"{proc.args} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def start_web_app(module: str, port: int, api_url: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """``python -m <module>`` (``app.citizen`` or ``app.staff``) serving on ``port``, output to ``log``; the
    spoken guidance is made first (build/speech.py, espeak-ng) so the app serves it."""
    make_speech()
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module, "--port", str(port), "--api", api_url],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def make_speech() -> None:
    """The spoken-guidance audio (build/speech.py keeps files already made; needs Debian's espeak-ng)."""
    import shutil

    if shutil.which("espeak-ng") is None:
        if in_ci():
            pytest.fail("espeak-ng not found: the spoken guidance needs it (apt-get install -y espeak-ng)")
        return
    subprocess.run([sys.executable, str(REPO_ROOT / "build" / "speech.py")], check=True, capture_output=True)


def stack_env(db_url: str, work: Path) -> dict[str, str]:
    """The environment of the API and web-app processes: this database, test mode, no rate limits,
    and the challenge the passing clip performs (refused by the API outside LIFECERT_ENV=test)."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(
        LIFECERT_DATABASE_URL=db_url,
        LIFECERT_DATA_DIR=str(work / "data"),
        LIFECERT_ENV="test",
        LIFECERT_LIMITS__ENABLED="false",
        PYTHONUNBUFFERED="1",
        LIFECERT_CERTIFICATION__CHALLENGE_FIXED_ACTIONS="open_mouth,blink",
        # the fake camera plays the same clip for every certification: a replay on purpose
        LIFECERT_CERTIFICATION__REFUSE_REPLAYED_FRAMES="false",
    )
    return env


def start_api(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """The API (uvicorn) serving on ``port``, output to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@dataclass(frozen=True)
class Running:
    """The processes of a started stack: the API's URL and each web app's (by module), and the logs."""

    api_url: str
    app_urls: dict[str, str]
    work: Path

    @property
    def staff_url(self) -> str:
        return self.app_urls["app.staff"]

    @property
    def citizen_url(self) -> str:
        return self.app_urls["app.citizen"]

    @property
    def api_log(self) -> Path:
        return self.work / "api.log"


@contextmanager
def running_stack(
    work: Path, env: dict[str, str], apps: Sequence[str] = ("app.staff",), api_port: int | None = None
) -> Iterator[Running]:
    """Start the API and the web ``apps`` (``app.staff``, ``app.citizen``) on free ports, wait until each
    answers, and stop them all on exit. Logs go to ``work``: api.log, staff.log, citizen.log. Pass
    ``api_port`` when ``env`` must already name the API's URL (LIFECERT_PUBLIC_URL)."""
    api_port = api_port or free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    procs: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        log = work / "api.log"
        procs.append((start_api(api_port, env, log), f"{api_url}/healthz", log))
        app_urls: dict[str, str] = {}
        for module in apps:
            port, log = free_port(), work / f"{module.rsplit('.', 1)[-1]}.log"
            app_urls[module] = f"http://127.0.0.1:{port}"
            procs.append((start_web_app(module, port, api_url, env, log), app_urls[module], log))
        for proc, url, log in procs:
            wait_http(url, proc, log)
        yield Running(api_url, app_urls, work)
    finally:
        for proc, _, _ in procs:
            stop(proc)


def open_scripted_camera_page(
    pw,
    chromium_path: Path,
    segments: dict[str, list[str]],
    viewport: dict[str, int] | None = None,
    **context_options,
):
    """A new Chromium and a page whose camera loops ``segments`` of a real clip, switched by the test
    (tests/e2e/scripted_camera.py); returns (browser, page) — the caller closes the browser.
    ``context_options`` go to the browser context (e.g. ``accept_downloads=True``)."""
    from tests.e2e.scripted_camera import init_script

    browser = pw.chromium.launch(
        executable_path=str(chromium_path),
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    context = browser.new_context(viewport=viewport or PHONE_VIEWPORT, locale="zh-CN", **context_options)
    context.set_default_timeout(TIMEOUT_MS)  # every wait for a state: the same cap (tests/e2e/flutter.py)
    context.grant_permissions(["camera"])
    context.add_init_script(init_script(segments))
    return browser, context.new_page()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started (``lifecert demo``
    and its two web apps): SIGTERM to the group, then SIGKILL to whatever is left of it after 60 s. Killing
    only the leader when it was slow to stop left its web apps running for the rest of the session."""
    import contextlib
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived the leader, or a leader stuck
    proc.wait()


RELATIVE_NAME = "吴天佑"  # overseas, due: bound and certified by a family helper in the family test


def seed(db_url: str) -> tuple[DemoPerson, DemoPerson, DemoPerson, DemoPerson]:
    """Migrate and seed the demo roster (``lifecert demo``'s own seeding); returns two of its people.

    孙国庆 (overdue; certified by the face tests) gets an ID-card reference photo: frame 0 of
    ../shared/faces/videos/d10.mp4, so a face certification compares the camera frames with a real
    reference (when ../shared is present).
    """
    from api.core.db import make_engine, make_sessionmaker, session_scope, upgrade
    from api.core.settings import Settings
    from api.demo import DEMO_PEOPLE, seed_demo
    from api.policy_loader import load_policy

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            seed_demo(session, policy=load_policy(Settings().policy_file))
            face_person = next(p for p in DEMO_PEOPLE if p.name == "孙国庆")
            add_reference_photo(session, face_person.id_number)
            add_reference_photo(session, next(p for p in DEMO_PEOPLE if p.name == RELATIVE_NAME).id_number)
    finally:
        engine.dispose()
    certified = next(p for p in DEMO_PEOPLE if p.name == "张建国")
    due = next(p for p in DEMO_PEOPLE if p.name == "李秀英")
    relative = next(p for p in DEMO_PEOPLE if p.name == RELATIVE_NAME)
    return (
        DemoPerson(certified.id_number, certified.name),
        DemoPerson(due.id_number, due.name),
        DemoPerson(face_person.id_number, face_person.name),
        DemoPerson(relative.id_number, relative.name),
    )


def reference_photo_jpeg() -> bytes | None:
    path = SHARED_DIR / "faces" / "videos" / "d10.mp4"
    if not path.exists():
        return None
    import cv2

    from tests.e2e.fake_video import read_clip

    ok, encoded = cv2.imencode(".jpg", read_clip(path, 0, 1)[0], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return encoded.tobytes() if ok else None


def add_reference_photo(session, id_number: str) -> None:
    import hashlib

    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary, ReferenceFace
    from shared.enums import ReferenceSource

    photo = reference_photo_jpeg()
    if photo is None:
        return
    person = session.execute(sa.select(Beneficiary).where(Beneficiary.id_number == id_number)).scalar_one()
    session.add(
        ReferenceFace(
            beneficiary_id=person.id,
            source=ReferenceSource.ID_PHOTO,
            photo=photo,
            photo_sha256=hashlib.sha256(photo).hexdigest(),
            active=True,
        )
    )


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
    certified, due, face, relative = seed(db_url)
    with running_stack(work, stack_env(db_url, work), apps=("app.citizen",)) as running:
        yield Stack(running.api_url, running.citizen_url, certified, due, face, relative, running.api_log)


@pytest.fixture(scope="session")
def playwright_session(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session, chromium_path: Path):
    b = playwright_session.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser, stack: Stack, request: pytest.FixtureRequest):
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def camera_page(playwright_session, chromium_path: Path, stack: Stack):
    """``camera_page(y4m)`` → a page in a Chromium whose fake camera plays ``y4m`` (its own browser:
    the video file is a launch argument). Closed after the test."""
    pw = playwright_session
    browsers = []

    def open_with(y4m: Path):
        browser = pw.chromium.launch(
            executable_path=str(chromium_path),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}",
            ],
        )
        browsers.append(browser)
        context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        context.grant_permissions(["camera"], origin=stack.web_url)
        return context.new_page()

    yield open_with
    for b in browsers:
        b.close()


@pytest.fixture
def scripted_camera_page(playwright_session, chromium_path: Path):
    """``scripted_camera_page(segments, viewport, **context_options)`` → a page whose camera loops segments of
    a real clip that the test switches by the app's state (tests/e2e/scripted_camera.py): no wall-clock
    timing. Closed after the test."""
    pw = playwright_session
    browsers = []

    def open_with(
        segments: dict[str, list[str]], viewport: dict[str, int] = PHONE_VIEWPORT, **context_options
    ):
        browser, page = open_scripted_camera_page(pw, chromium_path, segments, viewport, **context_options)
        browsers.append(browser)
        return page

    yield open_with
    for b in browsers:
        b.close()


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
