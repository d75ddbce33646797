"""Every screen of the citizens' app in zh-Hans on a 390×844 phone with the largest text size, photographed
(test-artifacts/e2e/test_every_citizen_screen_at_the_largest_text_size-*.png: look at them), and on the
screens with a main action that action is on the screen without scrolling: consent, identity, status,
status result (去认证 for a suspended person). The camera's oval shows before the camera starts; a face
certification reaches the result with its receipt."""

from __future__ import annotations

from tests.e2e.conftest import SMALL_PHONE_VIEWPORT
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, type_into, widget
from tests.shared_data import require_shared

DECISION_TIMEOUT_MS = 240_000


def on_screen(page, identifier: str) -> None:
    """The widget is inside the phone's viewport as the screen opens (nothing scrolled)."""
    node = widget(page, identifier)
    node.wait_for(timeout=TIMEOUT_MS)
    box = node.bounding_box()
    assert box is not None, identifier
    height = SMALL_PHONE_VIEWPORT["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{identifier} is off screen: {box}"


def back_to(page, identifier: str) -> None:
    """Press the top bar's back arrow and wait for the screen that has ``identifier`` (one press at a time:
    the next screen has its own arrow)."""
    tap(page, "nav-back")
    widget(page, identifier).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)  # the page transition ends before the next press


def test_every_citizen_screen_at_the_largest_text_size(scripted_camera_page, stack, shots) -> None:
    from tests.e2e.scripted_camera import act, segments_from
    from tests.e2e.test_home_visits import _warm_face_engine

    _warm_face_engine(stack.api_url, stack.due)  # the models load before the camera screen needs them
    suspended_id, suspended_name = "110101194811020319", "王德明"  # a demo person (README "Try it")
    clip = require_shared("faces", "videos", "d10.mp4")
    page = scripted_camera_page(segments_from(clip), SMALL_PHONE_VIEWPORT)
    open_app(page, stack.web_url, "home-check-status")
    tap(page, "nav-settings")
    tap(page, "settings-text-large")
    widget(page, "settings-lang-zh-Hans").wait_for()
    shots(page, "settings")
    assert widget(page, "settings-api").count() == 0  # not a citizen's setting
    back_to(page, "home-certify-self")
    shots(page, "home")

    tap(page, "home-check-status")
    on_screen(page, "status-submit")
    shots(page, "status")
    type_into(page, "status-id", suspended_id)
    type_into(page, "status-name", suspended_name)
    tap(page, "status-submit")
    expect_text(page, "result-0-state", "暂停发放")
    on_screen(page, "result-certify")
    shots(page, "status-result-suspended")
    tap(page, "result-again")
    tap(page, "status-receipts")
    widget(page, "receipts-history-submit").wait_for(timeout=TIMEOUT_MS)
    shots(page, "receipts")
    back_to(page, "status-submit")
    back_to(page, "home-certify-self")

    tap(page, "home-certify-self")
    on_screen(page, "consent-agree")
    shots(page, "consent")
    tap(page, "consent-decline")
    widget(page, "alt-call").wait_for(timeout=TIMEOUT_MS)
    expect_text(page, "alt-call", "12333")
    shots(page, "other-ways")
    tap(page, "alt-request-visit")
    widget(page, "visit-request-id").wait_for(timeout=TIMEOUT_MS)
    on_screen(page, "visit-request-submit")
    shots(page, "visit-request")
    back_to(page, "alt-call")
    back_to(page, "consent-agree")

    on_screen(page, "consent-agree")
    tap(page, "consent-agree")
    widget(page, "identity-id").wait_for(timeout=TIMEOUT_MS)
    on_screen(page, "identity-next")
    shots(page, "identity")
    type_into(page, "identity-id", stack.face.id_number)
    type_into(page, "identity-name", stack.face.name)
    tap(page, "identity-next")
    widget(page, "camera-start").wait_for(timeout=TIMEOUT_MS)
    shots(page, "camera-ready-with-oval")
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴")
    act(page, "open_mouth")
    shots(page, "camera-instruction")
    expect_text(page, "camera-instruction", "请眨眨眼")
    act(page, "blink")
    widget(page, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(page, "neutral")
    expect_text(page, "outcome-title", "认证成功")
    shots(page, "outcome")
    tap(page, "outcome-home")

    tap(page, "home-abroad")
    widget(page, "abroad-document").wait_for(timeout=TIMEOUT_MS)
    shots(page, "abroad")
    tap(page, "abroad-document")
    widget(page, "document-pick").wait_for(timeout=TIMEOUT_MS)
    shots(page, "documents")
    open_app(page, stack.web_url, "home-certify-family")  # the text size is kept on this device
    tap(page, "home-certify-family")
    widget(page, "family-register-link").wait_for(timeout=TIMEOUT_MS)
    shots(page, "family-sign-in")
    tap(page, "family-register-link")
    widget(page, "family-register-id").wait_for(timeout=TIMEOUT_MS)
    shots(page, "family-register")
