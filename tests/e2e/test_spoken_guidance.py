"""Spoken guidance in Chromium: as each instruction shows, the camera screen fetches and plays that
instruction's audio (zh-Hans), then the result's; with speech switched off in settings, nothing is
played."""

from __future__ import annotations

from tests.e2e.conftest import SMALL_PHONE_VIEWPORT
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, type_into, widget
from tests.shared_data import require_shared

DECISION_TIMEOUT_MS = 240_000


def played(requests: list[str]) -> list[str]:
    """The speech files asked for, in order, once each."""
    seen: list[str] = []
    for url in requests:
        if "/speech/" in url and url.split("/speech/", 1)[1] not in seen:
            seen.append(url.split("/speech/", 1)[1])
    return seen


def to_camera(page, stack) -> None:
    tap(page, "home-certify-self")
    tap(page, "consent-agree")
    widget(page, "identity-id").wait_for(timeout=TIMEOUT_MS)
    type_into(page, "identity-id", stack.relative.id_number)
    type_into(page, "identity-name", stack.relative.name)
    tap(page, "identity-next")
    widget(page, "camera-start").wait_for(timeout=TIMEOUT_MS)


def test_each_instruction_and_the_result_are_spoken(scripted_camera_page, stack, shots) -> None:
    from tests.e2e.scripted_camera import act, segments_from
    from tests.e2e.test_home_visits import _warm_face_engine

    _warm_face_engine(stack.api_url, stack.due)
    page = scripted_camera_page(
        segments_from(require_shared("faces", "videos", "d10.mp4")), SMALL_PHONE_VIEWPORT
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_app(page, stack.web_url, "home-certify-self")
    to_camera(page, stack)
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")
    act(page, "open_mouth")
    expect_text(page, "camera-instruction", "请眨眨眼")
    act(page, "blink")
    widget(page, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(page, "neutral")
    page.wait_for_timeout(1500)  # the result's clip is asked for as the result shows
    heard = played(requests)
    assert heard[-3:] == [
        "zh-Hans/action.open_mouth.wav",
        "zh-Hans/action.blink.wav",
        "zh-Hans/outcome.passed.title.wav",
    ], heard
    shots(page, "spoken-result")


def test_switched_off_nothing_is_spoken(scripted_camera_page, stack) -> None:
    from tests.e2e.scripted_camera import segments_from

    page = scripted_camera_page(
        segments_from(require_shared("faces", "videos", "d10.mp4")), SMALL_PHONE_VIEWPORT
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_app(page, stack.web_url, "home-certify-self")
    tap(page, "nav-settings")
    tap(page, "settings-speech-off")
    widget(page, "settings-speech-on").wait_for(timeout=TIMEOUT_MS)
    tap(page, "nav-back")
    widget(page, "home-certify-self").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)
    to_camera(page, stack)
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")
    page.wait_for_timeout(1500)
    assert played(requests) == []
