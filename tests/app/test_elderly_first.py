"""Elderly-first details of the citizens' app, from state alone: the server address is not a citizen's
setting (neither shown nor taken from the device's storage); the staff app keeps it."""

from __future__ import annotations

from datetime import date

import flet as ft

from app.citizen.screens import ROUTES
from app.common.preferences import PREFIX, load_settings, save_settings
from app.common.settings import Settings
from app.staff.screens import ROUTES as STAFF_ROUTES
from tests.app.test_preferences import DictStore
from tests.app.test_screens import identifiers, make_staff_ui, make_ui


def test_the_citizens_settings_have_no_server_address_and_the_staff_settings_do() -> None:
    citizen = identifiers(ROUTES["/settings"](make_ui("zh-Hans")))
    assert "settings-text-large" in citizen and "settings-api" not in citizen
    assert "settings-api-save" not in citizen
    assert "settings-api" in identifiers(STAFF_ROUTES["/settings"](make_staff_ui("zh-Hans")))


async def test_a_stored_server_address_is_ignored_by_the_citizens_app() -> None:
    store = DictStore({PREFIX + "api_url": "https://elsewhere.example.org", PREFIX + "large_text": True})
    citizen = make_ui("zh-Hans").state.settings
    assert citizen.api_editable is False
    before = citizen.api_url
    await load_settings(store, citizen)
    assert citizen.large_text is True and citizen.api_url == before
    await save_settings(store, citizen)
    assert store.data[PREFIX + "api_url"] == "https://elsewhere.example.org"  # not written over either
    staff = Settings()
    await load_settings(store, staff)
    assert staff.api_url == "https://elsewhere.example.org"


def test_the_other_ways_screen_offers_a_call_and_a_home_visit() -> None:
    from app.citizen.screens.alternatives import office_region
    from shared.idnumber import make_id_number
    from shared.schemas import OfficeContact
    from tests.app.test_screens import texts, walk

    ui = make_ui("zh-Hans")
    view = ROUTES["/certify/alternatives"](ui)
    assert {"alt-call", "alt-request-visit"} <= set(identifiers(view))
    assert "打电话给社保经办机构：12333" in texts(view)  # the national hotline until the region's is known
    assert [c.data for c in walk(view) if isinstance(c, ft.Button) and c.data] == ["tel:12333"]

    ui.state.certify.identity.id_text = make_id_number("110101", date(1948, 11, 2), 31)
    assert office_region(ui) == "110101"
    ui.state.office = OfficeContact(phone="010-6512 3456", region="110101")
    view = ROUTES["/certify/alternatives"](ui)
    assert "打电话给社保经办机构：010-6512 3456" in texts(view)
    assert [c.data for c in walk(view) if isinstance(c, ft.Button) and c.data] == ["tel:01065123456"]


def test_the_camera_oval_is_drawn_over_the_preview_not_inside_the_camera() -> None:
    """flet-camera draws its content only once the preview runs: the oval must be the preview's own layer."""
    import flet.canvas as cv
    import flet_camera as fc

    from tests.app.test_screens import walk

    ui = make_ui("zh-Hans")
    ui.state.certify.identity.id_text = "11010119500308022X"
    ui.state.certify.identity.name = "李秀英"
    view = ROUTES["/certify/camera"](ui)
    stacks = [
        c
        for c in walk(view)
        if isinstance(c, ft.Stack) and any(isinstance(child, fc.Camera) for child in c.controls)
    ]
    assert len(stacks) == 1
    camera = next(child for child in stacks[0].controls if isinstance(child, fc.Camera))
    assert camera.content is None
    assert [c for c in walk(stacks[0]) if isinstance(c, cv.Canvas)]  # the oval, beside the camera


def test_the_large_text_size_is_at_least_one_and_a_half_times_the_normal_one() -> None:
    import dataclasses

    from app.common.components.theme import LARGE, NORMAL

    for f in dataclasses.fields(NORMAL):
        assert getattr(LARGE, f.name) >= 1.5 * getattr(NORMAL, f.name), f.name


def _in_action_bar(view: ft.View) -> list[str]:
    from tests.app.test_screens import walk

    bars = [c for c in walk(view) if isinstance(c, ft.Semantics) and c.identifier == "action-bar"]
    return [i for bar in bars for i in identifiers(bar)] if bars else []


def test_the_main_action_sits_in_the_bottom_bar() -> None:
    from app.citizen.state import CertifyFor

    ui = make_ui("zh-Hans")
    ui.state.certify.restart(CertifyFor.SELF)
    ui.state.settings.large_text = True
    assert "consent-agree" in _in_action_bar(ROUTES["/certify/consent"](ui))
    assert "consent-decline" not in _in_action_bar(ROUTES["/certify/consent"](ui))  # in the text, below
    assert "identity-next" in _in_action_bar(ROUTES["/certify/identity"](ui))
    assert "status-submit" in _in_action_bar(ROUTES["/status"](ui))
    assert "result-certify" in _in_action_bar(ROUTES["/status/result"](ui))  # RESULT has a suspension
    assert "visit-request-submit" in _in_action_bar(ROUTES["/visit-request"](ui))


def test_dates_numbers_and_references_do_not_break() -> None:
    from app.common.nobreak import NO_BREAK_SPACE, WORD_JOINER, keep_together, plain

    line = "本期认证时间：2026年11月1日 至 2027年10月31日"
    glued = keep_together(line)
    assert plain(glued) == line
    assert "2026\u2060年\u206011\u2060月\u20601\u2060日" in glued and " 至 " in glued  # breaks only around 至
    nbsp = NO_BREAK_SPACE
    assert keep_together("Valid until: 30 November 2026") == f"Valid until: 30{nbsp}November{nbsp}2026"
    assert keep_together("受理编号：4821 7730").endswith(f"4821{NO_BREAK_SPACE}7730")
    assert keep_together("每月 100 元") == f"每月 100{NO_BREAK_SPACE}元"
    assert keep_together("已上传 100%") == f"已上传 100{WORD_JOINER}%"
    assert keep_together("没有数字") == "没有数字"


def test_a_masked_id_may_break_only_among_its_stars_and_short_phrases_never() -> None:
    from app.common.nobreak import WORD_JOINER, ZERO_WIDTH_SPACE, keep_together, phrase, plain

    masked = keep_together("身份证号：1101**********0714")
    assert masked == f"身份证号：1101***{ZERO_WIDTH_SPACE}*******0714"
    assert plain(masked) == "身份证号：1101**********0714"
    assert phrase("因未认证暂停发放") == WORD_JOINER.join("因未认证暂停发放")
    assert phrase("Payment suspended") == "Payment suspended"


def test_the_staff_scan_screen_shows_a_checked_receipt_in_words() -> None:
    from app.staff.screens.receipt_scan import result_lines
    from shared.enums import CertificationMethod, StaffRole
    from shared.i18n import Translator
    from shared.schemas import ReceiptVerification
    from tests.app.test_screens import texts

    check = ReceiptVerification(
        valid=True,
        message="ok",
        receipt_id="r",
        holder_name="孙*庆",
        holder_id="1101**********0714",
        method=CertificationMethod.SELF_FACE,
        certified_on=date(2026, 11, 30),
        valid_until=date(2027, 9, 30),
    )
    lines = dict(result_lines(check, Translator("zh-Hans")))
    assert lines["verdict"] == "这张回执有效" and lines["name"] == "姓名：孙*庆"
    assert "2027年9月30日" in lines["valid-until"]
    assert result_lines(ReceiptVerification(valid=False, message="no"), Translator("en")) == [
        ("verdict", "This receipt is not valid: it was not issued by this service or it was altered.")
    ]
    ui = make_staff_ui("zh-Hans", StaffRole.COORDINATOR)
    ui.state.scan.result = check
    view = STAFF_ROUTES["/receipts/scan"](ui)
    assert {"scan-open", "scan-result", "scan-verdict", "scan-valid-until"} <= set(identifiers(view))
    assert "这张回执有效" in texts(view)
