"""Offline: every route of both web apps and the API's /docs and /redoc load in Chromium with no failed
request (4xx/5xx or a network error) and no request to any host but the local servers — no Google fonts,
no CDN — and Chinese renders as glyphs from the font the apps ship, not from the system: the browser runs
with an empty fontconfig (no system font at all). Screenshots of every screen at 390×844 go to
test-artifacts/e2e/ (look at them).

Its own API + citizens' app + staff app on a freshly seeded demo database, with an administrator account so
the staff app's screens are opened signed in as well.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.citizen.screens import ROUTES
from app.staff.screens import ROUTES as STAFF_ROUTES
from tests.e2e.conftest import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    SMALL_PHONE_VIEWPORT,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, open_app, tap, type_into, widget

PASSWORD = "offline e2e pass"


@dataclass(frozen=True)
class OfflineStack:
    api_url: str
    citizen_url: str
    staff_url: str

    @property
    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in (self.api_url, self.citizen_url, self.staff_url)}


@dataclass
class Traffic:
    """Every request the page made, and what went wrong with any of them."""

    local: set[str]
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("websocket", lambda ws: self._request_url(ws.url))

    def _request(self, request) -> None:
        self._request_url(request.url)

    def _request_url(self, url: str) -> None:
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc not in self.local:
            self.foreign.append(url)

    def problems(self) -> list[str]:
        return [*self.failed, *(f"other host: {u}" for u in self.foreign)]


@pytest.fixture(scope="module")
def offline_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfflineStack]:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from shared.enums import StaffRole

    work = tmp_path_factory.mktemp("offline-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_staff(
            session,
            username="offline_admin",
            name="王管理",
            role=StaffRole.ADMIN,
            password=PASSWORD,
            region_code=None,
            actor="system:test",
        )
    engine.dispose()
    env = stack_env(db_url, work)
    with running_stack(work, env, apps=("app.citizen", "app.staff")) as running:
        yield OfflineStack(running.api_url, running.citizen_url, running.staff_url)


@pytest.fixture(scope="module")
def fontless_browser(playwright_session, chromium_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """Chromium that sees no system font: fontconfig reads a configuration with no font directory."""
    conf = tmp_path_factory.mktemp("fontconfig") / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    browser = playwright_session.chromium.launch(
        executable_path=str(chromium_path), args=CHROMIUM_ARGS, env=env
    )
    yield browser
    browser.close()


def _phone_page(browser, stack: OfflineStack):
    context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN")
    page = context.new_page()
    traffic = Traffic(local=stack.hosts)
    traffic.watch(page)
    return context, page, traffic


@pytest.fixture
def phone(fontless_browser, offline_stack: OfflineStack):
    """A 390×844 page in the browser without system fonts, and its traffic."""
    context, page, traffic = _phone_page(fontless_browser, offline_stack)
    yield page, traffic
    context.close()


@pytest.fixture
def typing_phone(browser, offline_stack: OfflineStack):
    """The same in the session's browser (system fonts): in the one launched with FONTCONFIG_FILE, keys
    typed into a Flutter text field do not arrive (the fields stay empty), so signing in needs this one."""
    context, page, traffic = _phone_page(browser, offline_stack)
    yield page, traffic
    context.close()


# Full page loads whose first picture never came (skwasm in headless Chromium kept Flet's "Working..."
# start-up picture now and then while the app behind it was ready; see tests/e2e/conftest.py): each is
# loaded again (LOAD_ATTEMPTS in all), and a test fails on more than STALLS_ALLOWED of them or on a page
# that stalls every time. A busy-core run (two spinning processes beside the suite) once saw one page stall
# twice in a row, so a page got a third load; a clean-clone CI run (idle machine) then saw one page stall
# three times in a row, so a page gets a fourth, each after a blank page (three stalls in a test, as before).
STALLS_ALLOWED = 3
LOAD_ATTEMPTS = 4
PAINT_WAIT_POLLS = 150  # × (screenshot + 300 ms): ~1 minute for the first picture of a loaded page


SHOT_TIMEOUT_MS = 15_000


def _picture(page) -> bytes | None:
    """A screenshot, or None when no frame came within SHOT_TIMEOUT_MS: a stalled page may never hand one
    over (CI saw Page.screenshot wait out its 30 s), which is a stall, not a test failure."""
    try:
        return page.screenshot(timeout=SHOT_TIMEOUT_MS)
    except PlaywrightTimeout:
        return None


def _wait_painted(page) -> bool:
    for _ in range(PAINT_WAIT_POLLS):
        png = _picture(page)
        if png is None:
            return False
        if _painted(png):
            return True
        page.wait_for_timeout(300)
    return False


def _show(page, url: str, first_id: str = "screen-title", stalls: list[str] | None = None) -> None:
    """Load ``url`` (a full page load: every asset again, from the browser cache or the server), switch the
    semantics tree on and wait until ``first_id`` is there, the screen painted and the network quiet. A load
    whose picture never came is recorded in ``stalls`` and loaded again (LOAD_ATTEMPTS in all)."""
    for attempt in range(LOAD_ATTEMPTS):
        try:  # a load whose "load" event never comes (CI, busy cores: goto waited out 30 s) is a stall too
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=TIMEOUT_MS)
            page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
            widget(page, first_id).wait_for(state="attached", timeout=TIMEOUT_MS)
        except PlaywrightTimeout:
            painted = False
        else:
            painted = stalls is None or _wait_painted(page)
        if painted:
            break
        assert stalls is not None and attempt < LOAD_ATTEMPTS - 1, (
            f"{url}: the page stalled {LOAD_ATTEMPTS} times in a row"
        )
        stalls.append(url)
        page.goto("about:blank")  # the next load starts from an empty document, not the stalled app
    assert stalls is None or len(stalls) <= STALLS_ALLOWED, f"stalled page loads: {stalls}"
    page.wait_for_load_state("networkidle")


def _go(page, route: str) -> None:
    """Change the route in the running session, as the browser's back/forward buttons do, and wait until
    the screen changed (a few screens look alike without a person opened: then ~3 s at most)."""
    before = _picture(page)
    script = "r => { history.pushState(null, '', r); dispatchEvent(new PopStateEvent('popstate')); }"
    page.evaluate(script, route)
    page.wait_for_url(f"**{route}")
    widget(page, "screen-title").wait_for(state="attached", timeout=TIMEOUT_MS)
    for _ in range(10):
        if _picture(page) != before:
            return
        page.wait_for_timeout(300)


def _painted(png: bytes) -> bool:
    """Something drawn: not one flat colour (the semantics tree is there before the frame is painted)."""
    import io

    from PIL import Image, ImageStat

    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).stddev[0] > 8


def _shot(page, name: str) -> None:
    """Save test-artifacts/e2e/offline-<name>.png once the screen is painted (polled; the cap, ~2 minutes,
    only ends a broken run: on a busy machine the server may show its "Working..." overlay for a while)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for _ in range(400):
        png = page.screenshot()
        if _painted(png):
            break
        page.wait_for_timeout(300)
    (ARTIFACTS / f"offline-{name}.png").write_bytes(png)
    assert _painted(png), f"{name}: nothing painted"


def _slug(route: str) -> str:
    return route.strip("/").replace("/", "-") or "home"


def test_every_citizen_screen_loads_offline(phone, offline_stack: OfflineStack) -> None:
    page, traffic = phone
    stalls: list[str] = []
    for route in sorted(ROUTES):
        _show(page, offline_stack.citizen_url + route, stalls=stalls)
        _shot(page, f"citizen-{_slug(route)}")
        assert not traffic.problems(), (route, traffic.problems())
    fonts = [u for u in traffic.requests if "/assets/fonts/" in u]
    assert any(u.endswith("/assets/fonts/roboto.woff2") for u in fonts)  # the shipped CJK font
    assert not [u for u in fonts if "noto" in u.lower()]  # Flutter never looked for a fallback font


def test_every_staff_screen_loads_offline_signed_out(phone, offline_stack: OfflineStack) -> None:
    page, traffic = phone
    stalls: list[str] = []
    for route in sorted(STAFF_ROUTES):
        _show(page, offline_stack.staff_url + route, stalls=stalls)
        assert not traffic.problems(), (route, traffic.problems())


def test_every_staff_screen_loads_offline_signed_in(typing_phone, offline_stack: OfflineStack) -> None:
    page, traffic = typing_phone
    open_app(page, offline_stack.staff_url, "console-username")
    type_into(page, "console-username", "offline_admin")
    type_into(page, "console-password", PASSWORD)
    tap(page, "console-sign-in")
    widget(page, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)
    _shot(page, "staff-home")
    for route in sorted(set(STAFF_ROUTES) - {"/"}):
        _go(page, route)  # inside the signed-in session (a reload may start a new one)
        assert not widget(page, "console-go-login").count(), f"{route}: not signed in"
        _shot(page, f"staff-{_slug(route)}")
        page.wait_for_load_state("networkidle")
        assert not traffic.problems(), (route, traffic.problems())


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info"), ("/redoc", "redoc h1")])
def test_api_docs_load_offline(typing_phone, offline_stack: OfflineStack, path: str, ready: str) -> None:
    page, traffic = typing_phone  # with system fonts: HTML pages, unlike the apps, draw text with them
    page.goto(offline_stack.api_url + path, timeout=TIMEOUT_MS)
    page.wait_for_selector(ready, state="attached", timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    _shot(page, f"api-{path.strip('/')}")
    assert "lifecert" in page.content()
    assert not traffic.problems(), traffic.problems()
    assert any("/static-offline-docs/" in u for u in traffic.requests)
