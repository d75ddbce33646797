"""Face certification in Chromium with a fake camera fed from real pictures of ../shared/faces, against the
running API and its real face engine (loaded on the first decision)."""

from __future__ import annotations

import pytest

from tests.e2e.flutter import expect_text, open_app, tap, type_into, widget
from tests.shared_data import require_shared

DECISION_TIMEOUT_MS = 180_000  # the API loads its face models on the first decision


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


def test_live_clip_passes_and_shows_the_receipt_qr(camera_page, stack, shots, tmp_path) -> None:
    from tests.e2e.fake_video import challenge_y4m

    clip = require_shared("faces", "videos", "d10.mp4")
    page = camera_page(challenge_y4m(tmp_path / "live.y4m", clip))
    walk_to_camera(page, stack, shots)
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")
    shots(page, "action-open-mouth")
    expect_text(page, "camera-instruction", "请眨眨眼")
    shots(page, "action-blink")
    widget(page, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    shots(page, "outcome")
    expect_text(page, "outcome-title", "认证成功")
    expect_text(page, "receipt-name", r"孙\*庆")
    expect_text(page, "receipt-certified", "本人刷脸")
    expect_text(page, "receipt-valid-until", "有效期至：")
    assert widget(page, "receipt-qr").count() == 1
    page.mouse.wheel(0, 600)
    shots(page, "receipt-qr")
