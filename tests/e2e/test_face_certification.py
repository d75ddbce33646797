"""Face certification in Chromium with a fake camera fed from real pictures of ../shared/faces, against the
running API and its real face engine (loaded on the first decision)."""

from __future__ import annotations

import pytest

from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, type_into, widget
from tests.e2e.scripted_camera import act, segments_from
from tests.shared_data import require_shared

DECISION_TIMEOUT_MS = 180_000  # the API loads its face models on the first decision


@pytest.fixture(scope="module", autouse=True)
def _warm_face_engine(stack) -> None:
    """Load the API's face models before the first camera test (test mode loads them on first use): the
    quality hints run on the first pictures, and the fake clips are timed for a warm engine."""
    import cv2
    import httpx

    from tests.e2e.fake_video import read_clip

    clip = require_shared("faces", "videos", "d10.mp4")
    picture = cv2.imencode(".jpg", read_clip(clip, 0, 1)[0])[1].tobytes()
    with httpx.Client(base_url=stack.api_url, timeout=600) as http:
        challenge = http.post(
            "/api/v1/challenges", json={"id_number": stack.due.id_number, "name": stack.due.name}
        )
        assert challenge.status_code == 201, challenge.text
        answer = http.post(
            f"/api/v1/challenges/{challenge.json()['challenge_id']}/preview",
            content=picture,
            headers={"Content-Type": "image/jpeg"},
        )
        assert answer.status_code == 200 and answer.json()["ok"], answer.text


INSTRUCTIONS = {"open_mouth": "请张开嘴", "blink": "请眨眨眼"}


def perform_challenge(page, actions: tuple[str, ...] = ("open_mouth", "blink"), shots=None) -> None:
    """Follow the instructions as a person would: when the app shows one, the camera shows that action;
    then wait for the decision and show the still face again."""
    for action in actions:
        expect_text(page, "camera-instruction", INSTRUCTIONS[action])
        act(page, action)
        if shots:
            shots(page, f"action-{action.replace('_', '-')}")
    widget(page, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(page, "neutral")


def walk_to_camera(page, stack, shots) -> None:
    open_app(page, stack.web_url, "home-certify-self")
    tap(page, "home-certify-self")
    tap(page, "consent-agree")
    widget(page, "identity-id").wait_for()
    type_into(page, "identity-id", stack.face.id_number)
    type_into(page, "identity-name", stack.face.name)
    expect_text(page, "identity-id-check", "号码正确")
    tap(page, "identity-next")
    widget(page, "camera-start").wait_for()
    shots(page, "camera-ready")


def test_still_photo_as_camera_feed_fails_with_a_reason(camera_page, stack, shots, tmp_path) -> None:
    from tests.e2e.fake_video import read_clip, still_y4m

    clip = require_shared("faces", "videos", "d10.mp4")
    page = camera_page(still_y4m(tmp_path / "still.y4m", read_clip(clip, 0, 1)[0]))
    walk_to_camera(page, stack, shots)
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")
    shots(page, "action-open-mouth")
    widget(page, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    expect_text(page, "outcome-title", "这次没有通过")
    expect_text(page, "outcome-reason", "画面一直没有变化")  # reason.still_image, translated
    assert widget(page, "outcome-retry").count() == 1 and widget(page, "outcome-alternatives").count() == 1
    shots(page, "failed")


@pytest.fixture(autouse=True)
def _needs_shared_faces() -> None:
    require_shared("faces", "videos")


def test_live_clip_passes_and_shows_the_receipt_qr(scripted_camera_page, stack, shots) -> None:
    page = scripted_camera_page(segments_from(require_shared("faces", "videos", "d10.mp4")))
    walk_to_camera(page, stack, shots)
    tap(page, "camera-start")
    perform_challenge(page, shots=shots)
    shots(page, "outcome")
    expect_text(page, "outcome-title", "认证成功")
    expect_text(page, "receipt-name", r"孙\*庆")
    expect_text(page, "receipt-certified", "本人刷脸")
    expect_text(page, "receipt-valid-until", "有效期至：")
    assert widget(page, "receipt-qr").count() == 1
    page.mouse.wheel(0, 600)
    shots(page, "receipt-qr")
    tap(page, "outcome-home")  # the receipt stays on this device
    tap(page, "home-check-status")
    tap(page, "status-receipts")
    expect_text(page, "receipt-0-0", r"孙\*庆")
    type_into(page, "receipts-id", stack.face.id_number)  # and the receipts the service keeps
    type_into(page, "receipts-name", stack.face.name)
    tap(page, "receipts-history-submit")
    expect_text(page, "receipts-history-found", r"服务端的 \d+ 张回执")
    expect_text(page, "receipt-0-0", r"孙\*庆")
    shots(page, "receipt-history-merged")
    tap(page, "receipt-0-qr")
    widget(page, "receipt-qr").wait_for()
    shots(page, "receipt-history-qr")


def test_family_helper_adds_a_relative_by_their_face_check(scripted_camera_page, stack, shots) -> None:
    from datetime import date

    from shared.idnumber import make_id_number

    page = scripted_camera_page(segments_from(require_shared("faces", "videos", "d10.mp4")))
    helper_id = make_id_number("110101", date(1985, 8, 8), 123)
    open_app(page, stack.web_url, "home-certify-family")
    tap(page, "home-certify-family")
    widget(page, "family-register-link").wait_for()
    shots(page, "sign-in")
    tap(page, "family-register-link")
    widget(page, "family-register-id").wait_for()
    type_into(page, "family-register-id", helper_id)
    type_into(page, "family-register-name", "吴小雨")
    type_into(page, "family-register-phone", "13700137000")
    type_into(page, "family-register-password", "secret-pass-1")
    shots(page, "register")
    tap(page, "family-register-submit")
    widget(page, "family-relatives-none").wait_for()
    tap(page, "family-add")
    widget(page, "family-bind-id").wait_for()
    type_into(page, "family-bind-id", stack.relative.id_number)
    type_into(page, "family-bind-name", stack.relative.name)
    type_into(page, "family-bind-relationship", "父亲")
    shots(page, "bind")
    tap(page, "family-bind-next")
    tap(page, "consent-agree")
    widget(page, "camera-start").wait_for()
    shots(page, "camera-ready")
    tap(page, "camera-start")
    perform_challenge(page)
    shots(page, "bound")
    expect_text(page, "outcome-title", "已添加家人")
    tap(page, "outcome-family")
    expect_text(page, "family-relative-0", r"吴\*佑（父亲）")
    shots(page, "relatives")
    tap(page, "family-relative-0")  # now certify the bound relative
    tap(page, "consent-agree")
    widget(page, "camera-start").wait_for()
    tap(page, "camera-start")
    perform_challenge(page)
    shots(page, "certified")
    expect_text(page, "outcome-title", "认证成功")
    expect_text(page, "receipt-certified", "家人协助刷脸")


def test_quality_hints_before_the_instructions(camera_page, stack, shots, tmp_path) -> None:
    """Too dark, then someone else in the picture: one large hint at a time; after ~15 s "continue anyway"
    starts the instructions (and the non-face ways are on screen all along)."""
    import cv2

    from tests.e2e.fake_video import hints_y4m, read_clip

    face = read_clip(require_shared("faces", "videos", "d10.mp4"), 0, 1)[0]
    scene = cv2.imread(str(require_shared("faces", "scenes", "two_people.jpg")))
    page = camera_page(hints_y4m(tmp_path / "hints.y4m", face, scene))
    walk_to_camera(page, stack, shots)
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "太暗了")
    assert widget(page, "camera-alternatives").count() == 1
    shots(page, "hint-too-dark")
    expect_text(page, "camera-instruction", "画面里还有别人")
    shots(page, "hint-someone-else")
    widget(page, "camera-continue").wait_for(timeout=TIMEOUT_MS)
    expect_text(page, "camera-stuck", "直接继续")
    shots(page, "hint-continue-anyway")
    tap(page, "camera-continue")
    expect_text(page, "camera-instruction", "请张开嘴")
    shots(page, "after-continue")


def test_without_a_camera_the_app_says_so_and_offers_other_ways(page, stack, shots) -> None:
    """The session's browser has no camera at all (no fake device): the non-face ways are offered."""
    open_app(page, stack.web_url, "home-certify-self")
    tap(page, "home-certify-self")
    tap(page, "consent-agree")
    widget(page, "identity-id").wait_for()
    type_into(page, "identity-id", stack.due.id_number)
    type_into(page, "identity-name", stack.due.name)
    tap(page, "identity-next")
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "打不开摄像头|没有摄像头权限")
    shots(page, "no-camera")
    tap(page, "camera-alternatives")
    expect_text(page, "alt-office", "身份证")
