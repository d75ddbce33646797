"""The web client in Chromium against the running API: status lookup, the live ID check, language switch."""

from __future__ import annotations

import time

from tests.e2e.flutter import expect_text, open_app, tap, text_of, type_into, widget


def test_status_lookup_of_a_demo_person(page, stack, shots) -> None:
    open_app(page, stack.web_url, "home-check-status")
    shots(page, "home")
    tap(page, "home-check-status")
    widget(page, "status-id").wait_for()
    type_into(page, "status-id", stack.certified.id_number)
    expect_text(page, "status-id-check", "号码正确")
    type_into(page, "status-name", stack.certified.name)
    shots(page, "form-filled")
    tap(page, "status-submit")
    expect_text(page, "result-name", r"张\*国")
    expect_text(page, "result-id", stack.certified.id_number[:4] + r"\*{10}" + stack.certified.id_number[-4:])
    expect_text(page, "result-0-benefit", "企业职工养老金")
    expect_text(page, "result-0-state", "本期已认证")
    expect_text(page, "result-0-last", "本人刷脸")
    assert stack.certified.id_number not in page.content()
    shots(page, "result")


def test_person_due_this_window_shows_due_state(page, stack, shots) -> None:
    open_app(page, stack.web_url + "/status", "status-id")
    type_into(page, "status-id", stack.due.id_number)
    type_into(page, "status-name", stack.due.name)
    tap(page, "status-submit")
    expect_text(page, "result-name", r"李\*英")
    expect_text(page, "result-0-benefit", "城乡居民养老金")
    expect_text(page, "result-0-state", "需要认证")
    shots(page, "result-due")


def test_invalid_id_shows_check_digit_message_without_calling_the_server(page, stack, shots) -> None:
    number = stack.certified.id_number
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    open_app(page, stack.web_url + "/status", "status-id")
    type_into(page, "status-id", wrong[:10])
    expect_text(page, "status-id-check", "已输入 10 位")
    shots(page, "typing")
    type_into(page, "status-id", wrong[10:])
    expect_text(page, "status-id-check", "校验码")
    type_into(page, "status-name", stack.certified.name)
    before = stack.status_calls()
    tap(page, "status-submit")
    time.sleep(1.0)  # give a (wrong) request time to reach the server's log
    expect_text(page, "status-id-check", "校验码")
    assert widget(page, "result-name").count() == 0
    assert stack.status_calls() == before
    shots(page, "check-digit-error")


def test_unknown_person_shows_not_found_notice(page, stack, shots) -> None:
    open_app(page, stack.web_url + "/status", "status-id")
    type_into(page, "status-id", stack.certified.id_number)
    type_into(page, "status-name", "王大明")
    before = stack.status_calls()
    tap(page, "status-submit")
    expect_text(page, "status-notice", "没有找到这个人")
    assert stack.status_calls() == before + 1
    shots(page, "not-found")


def test_switching_language_changes_visible_text(page, stack, shots) -> None:
    open_app(page, stack.web_url, "home-heading")
    expect_text(page, "home-heading", "您要办什么？")
    tap(page, "nav-settings")
    widget(page, "settings-lang-en").wait_for()
    shots(page, "settings-zh-Hans")
    tap(page, "settings-lang-en")
    expect_text(page, "screen-title", "^Settings$")
    tap(page, "settings-text-large")
    shots(page, "settings-en-large")
    tap(page, "nav-back")
    expect_text(page, "home-heading", "What would you like to do?")
    assert "Check status" in text_of(page, "home-check-status")
    shots(page, "home-en-large")
    second = page.context.new_page()  # a new visit on the same device: settings were kept
    open_app(second, stack.web_url, "home-heading")
    expect_text(second, "home-heading", "What would you like to do?")
    second.close()
    tap(page, "nav-settings")
    tap(page, "settings-lang-zh-Hant")
    expect_text(page, "screen-title", "設定")
    tap(page, "settings-lang-zh-Hans")
    tap(page, "settings-text-normal")
    expect_text(page, "screen-title", "设置")
    tap(page, "nav-back")
    expect_text(page, "home-heading", "您要办什么？")


def test_certify_myself_starts_with_consent(page, stack, shots) -> None:
    open_app(page, stack.web_url, "home-certify-self")
    tap(page, "home-certify-self")
    expect_text(page, "consent-keep", "30 天")
    expect_text(page, "consent-alt", "社保经办窗口")
    shots(page, "consent")
    tap(page, "consent-decline")
    expect_text(page, "alt-office", "身份证")
    shots(page, "alternatives")
    tap(page, "nav-back")
    tap(page, "consent-agree")
    widget(page, "identity-id").wait_for()
    shots(page, "identity")


def test_a_reminder_letter_link_fills_in_the_id_number(page, stack, shots) -> None:
    """The QR code of a reminder letter opens the app with ``?id=`` (api/notify/letters.py): the ID number is
    there already (its live check says it is right); the person only types their name."""
    open_app(page, f"{stack.web_url}/status?id={stack.certified.id_number}", "status-id")
    expect_text(page, "status-id-check", "号码正确")
    type_into(page, "status-name", stack.certified.name)
    tap(page, "status-submit")
    expect_text(page, "result-name", r"张\*国")
    shots(page, "letter-link")
