"""A neighbour attestation from start to certification in Chromium, against a real API, the staff app and
the citizens' app (their own servers, a freshly seeded demo database): the village coordinator opens one
for 李秀英, photographs her with the (scripted, still) camera and picks a video with the browser's file
chooser, sends both and signs the village level; a township and a county account each sign in and sign what
waits for them; the county's reviewer opens the item, opens the photo inline and downloads the video — only
then is "approve" enabled — approves with a reason, and the status lookup shows her certified.

Each new or changed staff screen is photographed at 390×844 and at 1280×800 (test-artifacts/e2e/).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e import flutter
from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, open_app, reach, widget
from tests.shared_data import require_shared

DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
DEMO_PASSWORD = "lifecert-demo"
PASSWORD = "attest e2e pass"
PERSON_NAME = "李秀英"  # due this window, lives in 110101001001 (demo-coordinator's village)


@dataclass(frozen=True)
class AttestStack:
    staff_url: str
    citizen_url: str
    person_id: str


@pytest.fixture(scope="module")
def attest_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AttestStack]:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.demo import DEMO_PEOPLE, seed_demo_staff
    from shared.enums import StaffRole

    work = tmp_path_factory.mktemp("attest-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo_staff(session)  # demo-coordinator (the village), demo-reviewer (the county) …
        service.create_staff(
            session,
            username="e2e_township",
            name="赵街道",
            role=StaffRole.COORDINATOR,
            password=PASSWORD,
            region_code="110101001",
            actor="system:test",
        )
        service.create_staff(
            session,
            username="e2e_county",
            name="钱区县",
            role=StaffRole.COORDINATOR,
            password=PASSWORD,
            region_code="110101",
            actor="system:test",
        )
    engine.dispose()
    person = next(p for p in DEMO_PEOPLE if p.name == PERSON_NAME)
    with running_stack(work, stack_env(db_url, work), apps=("app.staff", "app.citizen")) as running:
        yield AttestStack(running.staff_url, running.citizen_url, person.id_number)


@pytest.fixture
def camera_page(scripted_camera_page):
    """A 390×844 page whose camera shows a still photo of a face (tests/e2e/scripted_camera.py)."""
    import cv2

    from tests.e2e.scripted_camera import still_segments

    photo = cv2.imread(str(require_shared("faces", "identities", "biden", "biden2.jpg")))
    return scripted_camera_page(still_segments(photo), SMALL_PHONE_VIEWPORT, accept_downloads=True)


def tap(page, identifier: str) -> None:
    reach(page, identifier)
    flutter.tap(page, identifier)


def type_into(page, identifier: str, text: str) -> None:
    reach(page, identifier)
    flutter.type_into(page, identifier, text)


def expect_text(page, identifier: str, pattern: str) -> None:
    reach(page, identifier)
    flutter.expect_text(page, identifier, pattern)


def both_sizes(page, shots, step: str, show: str) -> None:
    """Photograph the screen at 390×844 and at 1280×800 with the widget ``show`` in view, then go back to
    the phone size."""
    for size in (SMALL_PHONE_VIEWPORT, DESKTOP_VIEWPORT):
        page.set_viewport_size(size)
        page.wait_for_function(f"window.innerWidth === {size['width']}")
        reach(page, show)
        shots(page, f"{step}-{size['width']}")
    page.set_viewport_size(SMALL_PHONE_VIEWPORT)
    page.wait_for_function(f"window.innerWidth === {SMALL_PHONE_VIEWPORT['width']}")


def sign_in(page, username: str, password: str) -> None:
    widget(page, "console-username").wait_for(state="attached", timeout=TIMEOUT_MS)
    type_into(page, "console-username", username)
    type_into(page, "console-password", password)
    tap(page, "console-sign-in")
    widget(page, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)


def sign_out(page) -> None:
    tap(page, "console-sign-out")
    widget(page, "console-username").wait_for(state="attached", timeout=TIMEOUT_MS)


def approve_enabled(page) -> bool:
    button = widget(page, "console-approve").locator("[role=button], flt-semantics[aria-disabled]").first
    return button.get_attribute("aria-disabled") != "true"


def test_attestation_signed_by_each_level_then_approved_with_every_file_opened(
    camera_page, attest_stack, shots
) -> None:
    page = camera_page
    video = require_shared("faces", "videos", "d18.mp4")
    open_app(page, attest_stack.staff_url, "console-username")

    # The village coordinator opens the attestation, photographs her, adds a video and signs the village.
    sign_in(page, "demo-coordinator", DEMO_PASSWORD)
    tap(page, "staff-home-attestations")
    widget(page, "attest-open").wait_for()
    both_sizes(page, shots, "attest-form", show="attest-name")
    type_into(page, "attest-id", attest_stack.person_id)
    type_into(page, "attest-name", PERSON_NAME)
    type_into(page, "attest-reason", "长期卧床，无法配合刷脸")
    type_into(page, "attest-witness", "王桂香")
    tap(page, "attest-open")
    expect_text(page, "attest-current-title", r"李\*英")
    expect_text(page, "attest-current-next", "下一级签字：村/社区")
    both_sizes(page, shots, "attest-opened", show="attest-current-title")
    tap(page, "attest-camera-open")
    widget(page, "attest-camera-take").wait_for()
    tap(page, "attest-camera-take")
    widget(page, "attest-pending-0").wait_for()
    expect_text(page, "attest-pending-0-name", "photo-1.jpg")
    with page.expect_file_chooser() as chooser:
        tap(page, "attest-pick")
    chooser.value.set_files(str(video))
    expect_text(page, "attest-pending-1-name", "d18.mp4")
    both_sizes(page, shots, "attest-evidence", show="attest-pending-0-name")
    tap(page, "attest-send")
    expect_text(page, "attest-current-evidence", "已上传证明材料 2 个")
    tap(page, "attest-sign")
    expect_text(page, "attest-done", r"已签字：李\*英（村/社区）")
    expect_text(page, "attest-current-next", "下一级签字：乡镇/街道")
    assert widget(page, "attest-sign").count() == 0  # one account signs one level
    both_sizes(page, shots, "attest-signed", show="attest-done")
    sign_out(page)

    # The township, then the county, each sign in and sign what waits for their level.
    for username, level, after in (("e2e_township", "乡镇/街道", "县/区"), ("e2e_county", "县/区", None)):
        sign_in(page, username, PASSWORD)
        tap(page, "staff-home-signoffs")
        expect_text(page, "signoffs-count", "共 1 份待签字")
        expect_text(page, "signoffs-item-0-title", r"李\*英")
        expect_text(page, "signoffs-sign-0", f"我签字（{level}）")
        if after is not None:
            both_sizes(page, shots, "signoffs", show="signoffs-sign-0")
        tap(page, "signoffs-sign-0")
        expect_text(page, "signoffs-done", rf"已签字：李\*英（{level}）")
        if after is None:
            expect_text(page, "signoffs-done", "已提交审核")
        expect_text(page, "signoffs-count", "暂无需要您签字的证明")
        sign_out(page)

    # The county's reviewer opens every file before approving.
    sign_in(page, "demo-reviewer", DEMO_PASSWORD)
    tap(page, "staff-home-review")
    expect_text(page, "console-review-item-0", r"邻里/协办员证明：李\*英")
    both_sizes(page, shots, "review-queue", show="console-review-open-0")
    tap(page, "console-review-open-0")
    expect_text(page, "console-review-case", r"李\*英")
    expect_text(page, "console-evidence-title", "已查看 0/2")
    expect_text(page, "console-approve-hint", "请先逐一查看全部证明材料")
    expect_text(page, "console-history-0", "张协办（110101001001）：开具证明")
    assert not approve_enabled(page)
    both_sizes(page, shots, "review-item-history", show="console-history-0")
    both_sizes(page, shots, "review-item-unopened", show="console-approve")
    tap(page, "console-evidence-open-1")
    widget(page, "console-evidence-photo-1").wait_for()
    expect_text(page, "console-evidence-status-1", "已查看")
    assert not approve_enabled(page)
    with page.expect_download() as download:
        tap(page, "console-evidence-open-2")
    assert download.value.suggested_filename.endswith("-2.mp4")
    expect_text(page, "console-evidence-status-2", "已查看")
    expect_text(page, "console-evidence-title", "已查看 2/2")
    page.wait_for_function(
        "() => document.querySelector("
        '\'[flt-semantics-identifier="console-approve"] [aria-disabled="true"]\') === null'
    )
    assert approve_enabled(page)
    type_into(page, "console-review-reason", "照片、视频和三级签字齐全，同意")
    both_sizes(page, shots, "review-item-photo", show="console-evidence-photo-1")
    both_sizes(page, shots, "review-item-opened", show="console-approve")
    tap(page, "console-approve")
    expect_text(page, "console-review-done", r"已通过：李\*英")
    expect_text(page, "console-review-count", "暂无待审核事项")

    # Her status: certified.
    open_app(page, attest_stack.citizen_url + "/status", "status-id")
    type_into(page, "status-id", attest_stack.person_id)
    type_into(page, "status-name", PERSON_NAME)
    tap(page, "status-submit")
    expect_text(page, "result-0-state", "本期已认证")
    expect_text(page, "result-0-last", "社区证明")
    shots(page, "status-certified")
