"""Every screen of both apps builds in every language from state alone (no browser): texts translated,
identifiers unique; the staff app's home shows the entries of the signed-in role."""

from __future__ import annotations

import dataclasses
from datetime import date

import flet as ft
import pytest

from app.citizen.screens import ROUTES
from app.citizen.screens.status_result import entitlement_lines
from app.citizen.state import AppState, CertifyFor
from app.common.api_client import ApiClient
from app.common.components.identity_fields import IdentityFields
from app.common.identity import IdentityForm
from app.common.ui import Ui
from app.staff.console_client import ConsoleClient
from app.staff.navigation import ENTRIES, allowed, entries_for
from app.staff.screens import ROUTES as STAFF_ROUTES
from app.staff.state import StaffAppState
from shared.enums import BenefitType, CertificationMethod, CycleState, PaymentState, ResidenceKind, StaffRole
from shared.i18n import CATALOGS, LANGUAGES, Translator
from shared.idnumber import make_id_number
from shared.schemas import EntitlementStatus, StaffPublic, StatusResponse

RESULT = StatusResponse(
    masked_name="张*明",
    masked_id_number="1101**********1234",
    residence_kind=ResidenceKind.DOMESTIC,
    time_zone="Asia/Shanghai",
    today=date(2026, 11, 22),
    entitlements=[
        EntitlementStatus(benefit_type=BenefitType.ENTERPRISE_PENSION, payment_state=PaymentState.ACTIVE,
                          state=CycleState.CERTIFIED, window_start=date(2026, 3, 1), window_end=date(2027, 2, 28),
                          last_certified_on=date(2026, 3, 4), last_method=CertificationMethod.SELF_FACE,
                          valid_until=date(2027, 2, 28), next_due=date(2028, 2, 29)),
        EntitlementStatus(benefit_type=BenefitType.WORK_INJURY, payment_state=PaymentState.SUSPENDED,
                          state=CycleState.SUSPENDED),
    ],
)


def walk(control: object):
    """Every control in a tree (controls are dataclasses; children sit in fields or lists)."""
    if isinstance(control, ft.BaseControl):
        yield control
        for f in dataclasses.fields(control):
            value = getattr(control, f.name, None)
            children = value if isinstance(value, list) else [value]
            for child in children:
                if isinstance(child, ft.BaseControl):
                    yield from walk(child)


def texts(view: ft.View) -> list[str]:
    out = []
    for c in walk(view):
        if isinstance(c, ft.Text) and c.value:
            out.append(c.value)
        for attr in ("label", "hint_text", "tooltip", "content"):
            value = getattr(c, attr, None)
            if isinstance(value, str) and value:
                out.append(value)
    return out


def identifiers(view: ft.View) -> list[str]:
    return [c.identifier for c in walk(view) if isinstance(c, ft.Semantics) and c.identifier]


def make_ui(language: str) -> Ui:
    state = AppState()
    state.settings.set_language(language)
    state.lookup.result = RESULT
    return Ui(page=None, state=state, routes=ROUTES, api_factory=ApiClient)  # type: ignore[arg-type]


def assert_translated(view: ft.View, route: str, language: str) -> None:
    assert view.route == route
    shown = texts(view)
    assert shown, route
    keys = set(CATALOGS["en"])
    untranslated = [s for s in shown if s in keys]
    assert not untranslated, f"{route} shows raw catalog keys: {untranslated}"
    ids = identifiers(view)
    assert len(ids) == len(set(ids)), f"duplicate semantics identifiers on {route}: {ids}"
    if language != "en":  # Chinese screens contain no English words from the English catalog
        english = set(CATALOGS["en"].values()) - set(CATALOGS[language].values())
        assert not [s for s in shown if s in english]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_screen_builds_translated(route: str, language: str) -> None:
    assert_translated(ROUTES[route](make_ui(language)), route, language)


def test_citizens_app_has_no_staff_screen() -> None:
    assert not set(ROUTES) & (set(STAFF_ROUTES) - {"/", "/settings"})
    assert not [r for r in ROUTES if r.startswith("/console")]


# --- the staff app ---------------------------------------------------------------------------------------


def make_staff_ui(language: str, role: StaffRole | None = None) -> Ui:
    state = StaffAppState()
    state.settings.set_language(language)
    if role is not None:  # signed in (no request is made while the screens below are built)
        state.console.staff = StaffPublic(staff_id=1, username="wang", name="王管理", role=role)
        state.console.client = ConsoleClient("http://127.0.0.1:9")
    return Ui(page=None, state=state, routes=STAFF_ROUTES, api_factory=ApiClient,  # type: ignore[arg-type]
              title_key="console.title")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("route", sorted(STAFF_ROUTES))
def test_staff_screen_builds_translated_signed_out(route: str, language: str) -> None:
    view = STAFF_ROUTES[route](make_staff_ui(language))
    assert_translated(view, route, language)
    ids = set(identifiers(view))
    if route == "/":
        assert {"console-username", "console-password", "console-sign-in"} <= ids
    elif route != "/settings":
        assert "console-go-login" in ids  # sign in first


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(StaffRole))
def test_staff_home_shows_the_entries_of_the_role(role: StaffRole, language: str) -> None:
    view = STAFF_ROUTES["/"](make_staff_ui(language, role))
    assert_translated(view, "/", language)
    ids = set(identifiers(view))
    assert "console-username" not in ids and {"staff-home-heading", "console-who", "console-sign-out"} <= ids
    shown = {i.removeprefix("staff-home-") for i in ids if i.startswith("staff-home-")} - {"heading"}
    expected = {
        StaffRole.ADMIN: {"review", "mismatches", "attestations", "signoffs", "spotchecks", "stats", "cycle",
                          "audit"},
        StaffRole.REVIEWER: {"review", "mismatches", "signoffs", "spotchecks", "stats", "audit"},
        StaffRole.COORDINATOR: {"attestations", "signoffs", "spotchecks", "stats"},
        StaffRole.UNIT_ADMIN: {"none"},  # nothing for a unit administrator in this app yet
    }[role]
    assert shown == expected
    assert shown == ({e.slug for e in entries_for(role)} or {"none"})


def test_staff_screen_refuses_a_role_it_is_not_for() -> None:
    ids = identifiers(STAFF_ROUTES["/cycle"](make_staff_ui("zh-Hans", StaffRole.COORDINATOR)))
    assert "console-not-allowed" in ids and "console-cycle-run" not in ids
    assert "console-not-allowed" not in identifiers(STAFF_ROUTES["/settings"](make_staff_ui("en", StaffRole.UNIT_ADMIN)))


def test_every_staff_entry_has_a_screen_a_label_and_a_hint() -> None:
    assert {e.route for e in ENTRIES} == set(STAFF_ROUTES) - {"/", "/settings"}
    for entry in ENTRIES:
        for language in LANGUAGES:
            assert entry.label_key in CATALOGS[language] and entry.hint_key in CATALOGS[language], entry
    assert allowed("/settings", StaffRole.UNIT_ADMIN) and not allowed("/cycle", StaffRole.REVIEWER)
    assert entries_for(None) == []


def test_home_has_four_choices_with_identifiers() -> None:
    ids = identifiers(ROUTES["/"](make_ui("zh-Hans")))
    assert {"home-certify-self", "home-certify-family", "home-check-status", "home-abroad"} <= set(ids)


def test_status_result_shows_masked_identity_and_states() -> None:
    view = ROUTES["/status/result"](make_ui("zh-Hans"))
    shown = texts(view)
    assert "姓名：张*明" in shown and "身份证号：1101**********1234" in shown
    assert "状态：本期已认证" in shown and "状态：因未认证暂停发放" in shown
    assert "上次认证：2026年3月4日（本人刷脸）" in shown
    assert "有效期至：2027年2月28日" in shown
    assert {"result-name", "result-0-state", "result-1-state"} <= set(identifiers(view))


def test_entitlement_lines_in_english_skip_missing_dates() -> None:
    t = Translator("en")
    lines = dict(entitlement_lines(RESULT.entitlements[1], t))
    assert lines == {"state": "Status: Payment suspended: not certified", "payment": "Payment: Suspended",
                     "last": "Last certified: no record yet"}
    first = dict(entitlement_lines(RESULT.entitlements[0], t))
    assert first["next-due"] == "Next certification: by 29 February 2028"


def test_visit_line_names_the_date_and_the_visiting_worker() -> None:
    from app.citizen.screens.status_result import visit_line
    from shared.schemas import VisitStatusPublic

    asked = VisitStatusPublic(state="requested", requested_on=date(2026, 11, 30))
    scheduled = VisitStatusPublic(state="scheduled", requested_on=date(2026, 11, 30),
                                  scheduled_on=date(2026, 12, 3), worker_name="李走访")
    missed = VisitStatusPublic(state="could_not_reach", requested_on=date(2026, 11, 30),
                               closed_on=date(2026, 12, 3))
    zh, en = Translator("zh-Hans"), Translator("en")
    assert visit_line(scheduled, zh) == "上门认证：2026年12月3日，上门工作人员：李走访"
    assert visit_line(scheduled, en) == "Home visit: on 3 December 2026 by 李走访"
    assert visit_line(asked, en).startswith("Home visit: requested on 30 November 2026")
    assert "未见到本人" in visit_line(missed, zh)


@pytest.mark.parametrize("kind, note_id", [(CertifyFor.SELF, None), (CertifyFor.FAMILY, "identity-note"),
                                           (CertifyFor.ABROAD, "identity-note")])
def test_identity_screen_depends_on_who_is_certified(kind: CertifyFor, note_id: str | None) -> None:
    ui = make_ui("en")
    ui.state.certify.restart(kind)
    ids = identifiers(ROUTES["/certify/identity"](ui))
    assert ("identity-note" in ids) == (note_id is not None)


def test_identity_fields_render_live_check_messages() -> None:
    number = make_id_number("110101", date(1950, 3, 15), 11)
    form = IdentityForm()
    fields = IdentityFields(form, Translator("en"), id_prefix="x")
    assert fields.id_message.value == "18 characters; the last one may be X"
    form.id_text = number[:5]
    fields.render()
    assert fields.id_message.value == "5 of 18 characters entered"
    form.id_text = number[:-1] + ("1" if number[-1] != "1" else "2")
    fields.render()
    assert fields.id_message.value.startswith("This number is wrong")
    form.id_text = number
    fields.render()
    assert fields.id_message.value == "Number is correct"
    form.attempt()
    fields.render()
    assert fields.name_row.visible and fields.name_message.value == "Please enter the name"


def _outcome_ui(result, failures: int = 0, qr: bytes | None = None) -> Ui:
    from app.common.capture import CaptureFlow

    ui = make_ui("zh-Hans")
    flow = CaptureFlow.__new__(CaptureFlow)  # only the fields the result screen reads
    flow.result, flow.receipt_qr_png = result, qr
    ui.state.certify.capture = flow
    ui.state.certify.failures = failures
    return ui


def test_passed_outcome_shows_receipt_and_qr() -> None:
    from shared.schemas import FramesResult, ReceiptPublic

    receipt = ReceiptPublic(receipt_id="r1", holder_name="孙*庆", holder_id="1101**********0714",
                            method=CertificationMethod.SELF_FACE, certified_on=date(2026, 11, 23),
                            valid_until=date(2027, 9, 30), token="t", qr_png_url="/q.png", qr_svg_url="/q.svg")
    ui = _outcome_ui(FramesResult(result="passed", reason="ok", message="ok", receipt=receipt), qr=b"\x89PNG")
    view = ROUTES["/certify/result"](ui)
    shown = texts(view)
    assert "认证成功" in shown and "姓名：孙*庆" in shown and "有效期至：2027年9月30日" in shown
    assert "认证日期：2026年11月23日（本人刷脸）" in shown
    assert "receipt-qr" in identifiers(view)


def test_failed_outcome_offers_retry_then_other_ways_after_three() -> None:
    from shared.schemas import FramesResult

    failed = FramesResult(result="failed", reason="still_image", message="server text")
    once = ROUTES["/certify/result"](_outcome_ui(failed, failures=1))
    assert "原因：画面一直没有变化。必须是本人对着镜头做动作，不能用照片。" in texts(once)
    assert {"outcome-retry", "outcome-alternatives"} <= set(identifiers(once))
    thrice = ROUTES["/certify/result"](_outcome_ui(failed, failures=3))
    ids = identifiers(thrice)
    assert "outcome-retry" not in ids and "outcome-too-many" in ids and "outcome-alternatives" in ids
    unknown = FramesResult(result="failed", reason="some_new_code", message="The server's own sentence.")
    assert "原因：The server's own sentence." in texts(ROUTES["/certify/result"](_outcome_ui(unknown)))


def test_receipts_screen_lists_the_devices_receipts() -> None:
    from shared.schemas import ReceiptPublic

    ui = make_ui("en")
    assert "receipts-none" in identifiers(ROUTES["/receipts"](ui))
    ui.state.receipts = [ReceiptPublic(receipt_id="r1", holder_name="孙*庆", holder_id="1101**********0714",
                                       method=CertificationMethod.FAMILY_FACE, certified_on=date(2026, 11, 22),
                                       valid_until=date(2027, 6, 30), token="t", qr_png_url="/q", qr_svg_url="/s")]
    view = ROUTES["/receipts"](ui)
    assert "Certified on: 22 November 2026 (face check with family help)" in texts(view)
    assert "receipt-0-qr" in identifiers(view)
    ui.state.receipt_shown = (ui.state.receipts[0], b"\x89PNG")
    assert "receipt-qr" in identifiers(ROUTES["/receipts/qr"](ui))
