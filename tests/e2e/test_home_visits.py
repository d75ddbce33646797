"""Assisted certification in Chromium against a real API, both web apps and the real face engine, with the
demo roster and the demo staff accounts:

* a coordinator opens the work list, a person without a reference face, checks the ID card, takes the
  reference photo (人脸建模) and runs the person's face challenge — the camera shows frames of a real clip,
  switched to each action when the app asks for it (tests/e2e/scripted_camera.py); the status lookup then
  says certified, and the service keeps the receipt;
* a citizen asks for a home visit in the citizens' app; the request is on the coordinator's work list; the
  coordinator arranges it and records the visit (reason, notes, a photo) — a review item waits.

Every new staff screen is photographed at 390×844 and 1280×800 (test-artifacts/e2e/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    DemoPerson,
    open_scripted_camera_page,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, text_of, type_into, widget
from tests.shared_data import require_shared

DECISION_TIMEOUT_MS = 180_000  # the API loads its face models on first use
WIDE_VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "lifecert-demo"


@dataclass(frozen=True)
class FieldStack:
    api_url: str
    citizen_url: str
    staff_url: str
    suspended: DemoPerson  # 王德明: payment suspended, no reference face, in demo-coordinator's village
    due: DemoPerson  # 李秀英: due, in the same village; asks for a home visit in the second test


@pytest.fixture(scope="module")
def field_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FieldStack]:
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.demo import DEMO_PEOPLE, seed_demo_staff

    require_shared("faces", "videos", "d10.mp4")
    work = tmp_path_factory.mktemp("home-visits-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo_staff(session)  # demo-coordinator serves 110101001001 多福巷社区
    engine.dispose()
    people = {p.name: DemoPerson(p.id_number, p.name) for p in DEMO_PEOPLE}
    env = stack_env(db_url, work)
    with running_stack(work, env, apps=("app.citizen", "app.staff")) as running:
        _warm_face_engine(running.api_url, people["李秀英"])
        yield FieldStack(
            running.api_url, running.citizen_url, running.staff_url, people["王德明"], people["李秀英"]
        )


def _warm_face_engine(api_url: str, person: DemoPerson) -> None:
    """Load the API's face models before the browser needs them (the quality hints and the reference photo
    would otherwise wait for them)."""
    import cv2

    from tests.e2e.fake_video import read_clip

    picture = cv2.imencode(".jpg", read_clip(require_shared("faces", "videos", "d10.mp4"), 0, 1)[0])[
        1
    ].tobytes()
    with httpx.Client(base_url=api_url, timeout=600) as http:
        challenge = http.post("/api/v1/challenges", json={"id_number": person.id_number, "name": person.name})
        assert challenge.status_code == 201, challenge.text
        answer = http.post(
            f"/api/v1/challenges/{challenge.json()['challenge_id']}/preview",
            content=picture,
            headers={"Content-Type": "image/jpeg"},
        )
        assert answer.status_code == 200 and answer.json()["ok"], answer.text


@pytest.fixture
def browsers(playwright_session, chromium_path):
    """``open()`` → a phone-sized page whose camera shows the person of d10.mp4 (the still face until the
    test switches to an action, tests/e2e/scripted_camera.py); closed after the test."""
    from tests.e2e.scripted_camera import segments_from

    segments = segments_from(require_shared("faces", "videos", "d10.mp4"))
    opened = []

    def open_page():
        browser, page = open_scripted_camera_page(
            playwright_session, chromium_path, segments, SMALL_PHONE_VIEWPORT
        )
        opened.append(browser)
        return page

    yield open_page
    for browser in opened:
        browser.close()


def both_sizes(page, shots, step: str, *, end: bool = False) -> None:
    """The screen as it is at 390×844, then at 1280×800 (back to the phone afterwards); with ``end`` also
    scrolled to its end (a long form's button)."""
    for viewport in (SMALL_PHONE_VIEWPORT, WIDE_VIEWPORT):
        page.set_viewport_size(viewport)
        size = f"{viewport['width']}x{viewport['height']}"
        shots(page, f"{step}-{size}")
        if end:
            page.mouse.move(viewport["width"] / 2, viewport["height"] / 2)
            page.mouse.wheel(0, 5000)
            shots(page, f"{step}-{size}-end")
            page.mouse.wheel(0, -5000)
    page.set_viewport_size(SMALL_PHONE_VIEWPORT)
    page.wait_for_timeout(300)  # Flutter lays the page out again for the new size


def sign_in(page, staff_url: str, username: str) -> None:
    open_app(page, staff_url, "console-username")
    type_into(page, "console-username", username)
    type_into(page, "console-password", PASSWORD)
    tap(page, "console-sign-in")
    widget(page, "staff-home-worklist").wait_for(state="attached", timeout=TIMEOUT_MS)


def person_card(page, name: str) -> str:
    """The identifier of the work-list card of ``name`` (cards are numbered in list order)."""
    widget(page, "worklist-person-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    count = page.locator('[flt-semantics-identifier^="worklist-person-"]').count()
    for i in range(count):
        if name in text_of(page, f"worklist-person-{i}"):
            return f"worklist-person-{i}"
    raise AssertionError(f"{name} is not on the work list")


def test_coordinator_takes_the_reference_face_and_certifies_the_person(
    browsers, field_stack: FieldStack, shots
) -> None:
    from tests.e2e.scripted_camera import act

    person = field_stack.suspended
    page = browsers()
    sign_in(page, field_stack.staff_url, "demo-coordinator")
    tap(page, "staff-home-worklist")
    expect_text(page, "worklist-summary", r"共 \d+ 人需要办理")
    listed = int(re.search(r"共 (\d+) 人", text_of(page, "worklist-summary")).group(1))
    card = person_card(page, person.name)
    expect_text(page, card, "已暂停发放")
    expect_text(page, card, "没有比对照片")
    both_sizes(page, shots, "worklist")

    tap(page, card)
    expect_text(page, "person-card", person.id_number)
    both_sizes(page, shots, "person")
    tap(page, "person-start")

    widget(page, "visit-id-seen").wait_for(timeout=TIMEOUT_MS)
    expect_text(page, "visit-step", "第 1 步，共 5 步：核对身份证")
    tap(page, "visit-id-next")  # nothing ticked or typed yet: the screen says what is missing
    expect_text(page, "visit-id-error", "请先核对本人的身份证")
    tap(page, "visit-id-seen")
    type_into(page, "visit-id-last4", person.id_number[-4:])
    both_sizes(page, shots, "id-card")
    tap(page, "visit-id-next")

    expect_text(page, "visit-step", "第 2 步，共 5 步：人脸建模")
    both_sizes(page, shots, "reference")
    tap(page, "visit-reference-open")
    widget(page, "visit-reference-take").wait_for(timeout=TIMEOUT_MS)
    tap(page, "visit-reference-take")
    widget(page, "visit-reference-done").wait_for(timeout=DECISION_TIMEOUT_MS)
    expect_text(page, "visit-reference-done", "比对照片已保存")
    both_sizes(page, shots, "reference-saved")
    tap(page, "visit-reference-next")

    expect_text(page, "visit-step", "第 3 步，共 5 步：本人刷脸")
    widget(page, "camera-start").wait_for(timeout=TIMEOUT_MS)
    both_sizes(page, shots, "face-ready")
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")  # the person follows each instruction
    act(page, "open_mouth")
    expect_text(page, "camera-instruction", "请眨眨眼")
    act(page, "blink")
    widget(page, "visit-face-result").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(page, "neutral")
    expect_text(page, "visit-face-result", "本人认证成功")
    expect_text(page, "receipt-certified", "工作人员上门")
    assert widget(page, "receipt-qr").count() == 1
    both_sizes(page, shots, "face-passed")
    tap(page, "visit-face-next")

    widget(page, "visit-contact-skip").wait_for(timeout=TIMEOUT_MS)
    both_sizes(page, shots, "contact")
    tap(page, "visit-contact-skip")
    expect_text(page, "visit-done-title", "上门认证已完成")
    expect_text(page, "visit-done-certified", "已认证")
    both_sizes(page, shots, "done")

    with httpx.Client(base_url=field_stack.api_url, timeout=30) as http:
        status = http.post("/api/v1/status", json={"id_number": person.id_number, "name": person.name})
        assert status.status_code == 200, status.text
        assert {e["state"] for e in status.json()["entitlements"]} == {"certified"}
        history = http.post(
            "/api/v1/receipts/history", json={"id_number": person.id_number, "name": person.name}
        )
        assert history.status_code == 200, history.text
        assert history.json()["receipts"][0]["method"] == "staff_onsite"

    tap(page, "visit-done-worklist")  # certified: off the list
    expect_text(page, "worklist-summary", f"共 {listed - 1} 人需要办理")
    assert not [i for i in range(listed - 1) if person.name in text_of(page, f"worklist-person-{i}")]


def test_citizen_asks_for_a_visit_and_the_coordinator_records_it(
    browser, browsers, field_stack: FieldStack, shots
) -> None:
    person = field_stack.due
    citizen = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN").new_page()
    open_app(citizen, field_stack.citizen_url, "home-certify-self")
    tap(citizen, "home-certify-self")
    tap(citizen, "consent-decline")
    widget(citizen, "alt-request-visit").wait_for(timeout=TIMEOUT_MS)
    shots(citizen, "citizen-other-ways")
    tap(citizen, "alt-request-visit")
    widget(citizen, "visit-request-id").wait_for(timeout=TIMEOUT_MS)
    type_into(citizen, "visit-request-id", person.id_number)
    type_into(citizen, "visit-request-name", person.name)
    type_into(citizen, "visit-request-phone", "13900139000")
    tap(citizen, "visit-request-reason-elderly")
    shots(citizen, "citizen-visit-request")
    citizen.mouse.move(195, 420)
    citizen.mouse.wheel(0, 5000)
    shots(citizen, "citizen-visit-request-end")
    tap(citizen, "visit-request-submit")
    expect_text(citizen, "visit-request-done", "已收到您的上门申请")
    expect_text(citizen, "visit-request-date", "申请日期：")
    shots(citizen, "citizen-visit-requested")

    staff = browsers()  # the camera shows the person for the photo of the visit
    sign_in(staff, field_stack.staff_url, "demo-coordinator")
    tap(staff, "staff-home-worklist")
    widget(staff, "worklist-person-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    tap(staff, "worklist-visit-requested")
    expect_text(staff, "worklist-summary", "共 1 人需要办理")
    card = person_card(staff, person.name)
    expect_text(staff, card, "已申请上门")
    both_sizes(staff, shots, "worklist-visit-requested")

    tap(staff, card)
    expect_text(staff, "person-request", "年纪大，行动不便")
    tap(staff, "person-schedule")  # today, with me as the visiting worker
    expect_text(staff, "person-done", "已安排上门")
    expect_text(staff, "person-card", "已安排上门")
    both_sizes(staff, shots, "person-scheduled", end=True)

    tap(staff, "person-record")
    widget(staff, "visit-record-submit").wait_for(timeout=TIMEOUT_MS)
    tap(staff, "visit-record-reason-bedridden_no_camera")
    type_into(staff, "visit-record-notes", "本人卧床，神志清楚，交谈确认健在")
    tap(staff, "visit-record-open")
    widget(staff, "visit-record-take").wait_for(timeout=TIMEOUT_MS)
    tap(staff, "visit-record-take")
    expect_text(staff, "visit-record-photos", "已添加 1 张照片")
    both_sizes(staff, shots, "record", end=True)
    tap(staff, "visit-record-submit")
    expect_text(staff, "visit-record-sent", "上门记录已提交审核")
    node = widget(staff, "visit-record-review-id")
    review_id = re.search(r"受理编号：(\S+)", text_of(staff, "visit-record-review-id")).group(1)
    assert node.count() == 1
    both_sizes(staff, shots, "record-sent")

    with httpx.Client(base_url=field_stack.api_url, timeout=30) as http:
        login = http.post(
            "/api/v1/auth/staff/login", json={"username": "demo-reviewer", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        items = http.get(
            "/api/v1/review/items", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert items.status_code == 200, items.text
        item = next(i for i in items.json()["items"] if i["review_id"] == review_id)
        assert item["kind"] == "home_visit" and item["holder_name"] == "李*英"
        status = http.post("/api/v1/status", json={"id_number": person.id_number, "name": person.name})
        assert status.json()["visit"]["state"] == "done"
    citizen.context.close()
