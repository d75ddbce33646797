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
from app.staff.navigation import ENTRIES, allowed, entries_for, entry_of
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
        EntitlementStatus(
            benefit_type=BenefitType.ENTERPRISE_PENSION,
            payment_state=PaymentState.ACTIVE,
            state=CycleState.CERTIFIED,
            window_start=date(2026, 3, 1),
            window_end=date(2027, 2, 28),
            last_certified_on=date(2026, 3, 4),
            last_method=CertificationMethod.SELF_FACE,
            valid_until=date(2027, 2, 28),
            next_due=date(2028, 2, 29),
        ),
        EntitlementStatus(
            benefit_type=BenefitType.WORK_INJURY,
            payment_state=PaymentState.SUSPENDED,
            state=CycleState.SUSPENDED,
        ),
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
    """Every text shown, without the invisible glue that keeps dates and numbers on one line."""
    from app.common.nobreak import plain

    out = []
    for c in walk(view):
        if isinstance(c, ft.Text) and c.value:
            out.append(plain(c.value))
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
    return Ui(
        page=None,
        state=state,
        routes=STAFF_ROUTES,
        api_factory=ApiClient,  # type: ignore[arg-type]
        title_key="console.title",
    )


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
        StaffRole.ADMIN: {
            "worklist",
            "review",
            "changes",
            "mismatches",
            "attestations",
            "signoffs",
            "spotchecks",
            "cases",
            "stats",
            "death-reports",
            "cycle",
            "payroll",
            "audit",
            "recovery",
            "receipts-scan",
        },
        StaffRole.REVIEWER: {
            "worklist",
            "review",
            "changes",
            "mismatches",
            "signoffs",
            "spotchecks",
            "cases",
            "stats",
            "death-reports",
            "audit",
            "recovery",
            "receipts-scan",
        },
        StaffRole.COORDINATOR: {
            "worklist",
            "attestations",
            "signoffs",
            "spotchecks",
            "cases",
            "stats",
            "death-reports",
            "receipts-scan",
        },
        StaffRole.UNIT_ADMIN: {"death-reports"},  # the unit's monthly death report
    }[role]
    assert shown == expected
    assert shown == ({e.slug for e in entries_for(role)} or {"none"})


def test_staff_screen_refuses_a_role_it_is_not_for() -> None:
    ids = identifiers(STAFF_ROUTES["/cycle"](make_staff_ui("zh-Hans", StaffRole.COORDINATOR)))
    assert "console-not-allowed" in ids and "console-cycle-run" not in ids
    assert "console-not-allowed" not in identifiers(
        STAFF_ROUTES["/settings"](make_staff_ui("en", StaffRole.UNIT_ADMIN))
    )


def test_every_staff_entry_has_a_screen_a_label_and_a_hint() -> None:
    assert {e.route for e in ENTRIES} <= set(STAFF_ROUTES)
    # every other screen sits under an entry (and so under its roles): the person and home-visit screens
    assert {entry_of(r).route for r in set(STAFF_ROUTES) - {"/", "/settings"}} == {e.route for e in ENTRIES}
    assert allowed("/worklist/visit/face", StaffRole.COORDINATOR)
    assert not allowed("/worklist/visit/face", StaffRole.UNIT_ADMIN)
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
    assert lines == {
        "state": "Status: Payment suspended: not certified",
        "payment": "Payment: Suspended",
        "last": "Last certified: no record yet",
    }
    first = dict(entitlement_lines(RESULT.entitlements[0], t))
    assert first["next-due"] == "Next certification: by 29 February 2028"


def test_visit_line_names_the_date_and_the_visiting_worker() -> None:
    from app.citizen.screens.status_result import visit_line
    from shared.schemas import VisitStatusPublic

    asked = VisitStatusPublic(state="requested", requested_on=date(2026, 11, 30))
    scheduled = VisitStatusPublic(
        state="scheduled",
        requested_on=date(2026, 11, 30),
        scheduled_on=date(2026, 12, 3),
        worker_name="李走访",
    )
    missed = VisitStatusPublic(
        state="could_not_reach", requested_on=date(2026, 11, 30), closed_on=date(2026, 12, 3)
    )
    zh, en = Translator("zh-Hans"), Translator("en")
    assert visit_line(scheduled, zh) == "上门认证：2026年12月3日，上门工作人员：李走访"
    assert visit_line(scheduled, en) == "Home visit: on 3 December 2026 by 李走访"
    assert visit_line(asked, en).startswith("Home visit: requested on 30 November 2026")
    assert "未见到本人" in visit_line(missed, zh)


@pytest.mark.parametrize(
    "kind, note_id",
    [(CertifyFor.SELF, None), (CertifyFor.FAMILY, "identity-note"), (CertifyFor.ABROAD, "identity-note")],
)
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

    receipt = ReceiptPublic(
        receipt_id="r1",
        holder_name="孙*庆",
        holder_id="1101**********0714",
        method=CertificationMethod.SELF_FACE,
        certified_on=date(2026, 11, 23),
        valid_until=date(2027, 9, 30),
        token="t",
    )
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
    shown = texts(ROUTES["/certify/result"](_outcome_ui(unknown)))  # never the server's English sentence
    assert "原因：这次没有通过，请再试一次。" in shown and not [s for s in shown if "server" in s]


def test_retry_outcome_explains_the_reason_and_offers_another_try() -> None:
    """Too few usable pictures: not counted as a failure, the reason in our words (this screen raised a
    TypeError before mypy found the stale three-argument call)."""
    from shared.schemas import FramesResult

    retry = FramesResult(result="retry", reason="too_few_frames", message="The server's own sentence.")
    view = ROUTES["/certify/result"](_outcome_ui(retry, failures=1))
    shown = texts(view)
    assert "请再试一次" in shown
    assert "手机传来的清楚照片太少，这次不算失败。请在光线好的地方拿稳手机再试一次。" in shown
    assert "outcome-retry" in identifiers(view) and not [s for s in shown if "server" in s]


def test_receipts_screen_lists_the_devices_receipts() -> None:
    from shared.schemas import ReceiptPublic

    ui = make_ui("en")
    assert "receipts-none" in identifiers(ROUTES["/receipts"](ui))
    ui.state.receipts = [
        ReceiptPublic(
            receipt_id="r1",
            holder_name="孙*庆",
            holder_id="1101**********0714",
            method=CertificationMethod.FAMILY_FACE,
            certified_on=date(2026, 11, 22),
            valid_until=date(2027, 6, 30),
            token="t",
        )
    ]
    view = ROUTES["/receipts"](ui)
    assert "Certified on: 22 November 2026 (face check with family help)" in texts(view)
    assert "receipt-0-qr" in identifiers(view)
    ui.state.receipt_shown = (ui.state.receipts[0], b"\x89PNG")
    assert "receipt-qr" in identifiers(ROUTES["/receipts/qr"](ui))


# --- the coordinators' screens: work list, person, home-visit steps ----------------------------------------


def _entry(**changes):
    from shared.enums import SpecialGroup, VisitRequestReason, VisitState
    from shared.worklist_schemas import EntitlementDue, OpenVisit, RegionRef, WorklistEntry

    entry = WorklistEntry(
        person_id=7,
        id_number=make_id_number("110101", date(1939, 8, 9), 13),
        name="马德胜",
        age=87,
        phone="13700137002",
        region_code="110101002001",
        regions=[
            RegionRef(code="110101", name="东城区", level="county"),
            RegionRef(code="110101002001", name="隆福寺社区", level="village"),
        ],
        state=CycleState.OVERDUE,
        days_left=40,
        entitlements=[
            EntitlementDue(
                benefit_type=BenefitType.ENTERPRISE_PENSION,
                state=CycleState.OVERDUE,
                window_start=date(2026, 8, 1),
                window_end=date(2026, 12, 31),
                next_due=date(2026, 12, 31),
                days_left=40,
            )
        ],
        special_groups=[SpecialGroup.AGED, SpecialGroup.BEDRIDDEN],
        reference_face=False,
        reference_outdated=False,
        visit=OpenVisit(
            request_id=3,
            state=VisitState.REQUESTED,
            reason=VisitRequestReason.ELDERLY,
            requested_at=date(2026, 11, 20).isoformat() + "T08:00:00Z",
        ),
    )
    return entry.model_copy(update=changes)


def field_ui(language: str, role: StaffRole = StaffRole.COORDINATOR, **entry_changes) -> Ui:
    from shared.worklist_schemas import VillageCount, WorklistPage

    ui = make_staff_ui(language, role)
    entry = _entry(**entry_changes)
    console = ui.state.console
    console.worklist.page = WorklistPage(
        today=date(2026, 11, 22),
        home_visit_age=80,
        total=1,
        items=[entry],
        villages=[VillageCount(region_code="110101002001", region_name="隆福寺社区", count=1)],
    )
    console.open_person(entry)
    return ui


FIELD_SCREENS = {
    "/worklist": {
        "worklist-summary",
        "worklist-person-0",
        "worklist-village-all",
        "worklist-village-110101002001",
        "worklist-state-overdue",
        "worklist-special",
        "worklist-visit-requested",
    },
    "/worklist/person": {
        "person-card",
        "person-schedule",
        "person-schedule-date",
        "person-unreached",
        "person-start",
        "person-record",
        "person-change",
    },
    "/worklist/person/change": {
        "change-field-name",
        "change-field-status",
        "change-reason",
        "change-evidence",
        "change-send",
        "change-history",
    },
    "/worklist/visit/id-card": {
        "visit-step",
        "visit-who",
        "visit-id-seen",
        "visit-id-last4",
        "visit-id-next",
    },
    "/worklist/visit/reference": {"visit-step", "visit-reference-open", "visit-reference-take"},
    "/worklist/visit/face": {"visit-step", "visit-face-id-first"},  # the ID card is not checked yet
    "/worklist/visit/contact": {"visit-contact-phone", "visit-contact-save", "visit-contact-skip"},
    "/worklist/visit/done": {"visit-done-title", "visit-done-worklist"},
    "/worklist/visit/record": {
        "visit-record-reason-dementia",
        "visit-record-notes",
        "visit-record-open",
        "visit-record-pick",
        "visit-record-photos",
        "visit-record-submit",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("route", sorted(FIELD_SCREENS))
def test_field_screen_builds_translated(route: str, language: str) -> None:
    view = STAFF_ROUTES[route](field_ui(language))
    assert_translated(view, route, language)
    assert FIELD_SCREENS[route] <= set(identifiers(view))


def test_worklist_card_tells_who_why_and_what_to_bring() -> None:
    shown = texts(STAFF_ROUTES["/worklist"](field_ui("zh-Hans")))
    assert "马德胜（87 岁）" in shown and f"身份证号：{_entry().id_number}" in shown
    assert "所在村（社区）：隆福寺社区" in shown and "已逾期（上期未认证），本期还剩 40 天" in shown
    assert {"高龄", "长期卧床"} <= set(shown) and "没有比对照片：上门时先做人脸建模" in shown
    assert "已申请上门（2026年11月20日，年纪大，行动不便）" in shown
    assert "隆福寺社区 1 人" in shown and "共 1 人需要办理" in shown
    outdated = texts(
        STAFF_ROUTES["/worklist"](
            field_ui(
                "en", reference_face=True, reference_outdated=True, state=CycleState.SUSPENDED, visit=None
            )
        )
    )
    assert "Reference photo outdated: take a new one on the visit" in outdated
    assert "Payment suspended: certify soon" in outdated


def test_a_reviewer_reads_the_work_list_but_does_not_visit() -> None:
    person = identifiers(STAFF_ROUTES["/worklist/person"](field_ui("zh-Hans", StaffRole.REVIEWER)))
    assert "person-card" in person and not {"person-start", "person-record", "person-schedule"} & set(person)
    step = identifiers(STAFF_ROUTES["/worklist/visit/id-card"](field_ui("zh-Hans", StaffRole.REVIEWER)))
    assert "console-not-allowed" in step and "visit-id-next" not in step
    nobody = make_staff_ui("en", StaffRole.COORDINATOR)
    assert "visit-none" in identifiers(STAFF_ROUTES["/worklist/visit/face"](nobody))


def test_face_step_shows_the_capture_once_the_id_card_was_checked_then_the_outcome() -> None:
    from shared.schemas import FramesResult, ReceiptPublic

    ui = field_ui("zh-Hans")
    visit = ui.state.console.visit
    visit.id_seen, visit.last4 = True, visit.entry.id_number[-4:]
    assert visit.confirm_id()
    capture = identifiers(STAFF_ROUTES["/worklist/visit/face"](ui))
    assert {"camera-start", "camera-instruction", "camera-preview", "camera-alternatives"} <= set(capture)
    receipt = ReceiptPublic(
        receipt_id="r1",
        holder_name="马*胜",
        holder_id="1101**********1339",
        method=CertificationMethod.STAFF_ONSITE,
        certified_on=date(2026, 11, 22),
        valid_until=date(2027, 8, 31),
        token="t",
    )
    visit.result = FramesResult(result="passed", reason="ok", message="ok", receipt=receipt)
    visit.receipt_qr_png = b"\x89PNG"
    view = STAFF_ROUTES["/worklist/visit/face"](ui)
    assert {"visit-face-result", "receipt-qr", "visit-face-next"} <= set(identifiers(view))
    assert "认证日期：2026年11月22日（工作人员上门）" in texts(view)
    visit.result = FramesResult(result="failed", reason="face_mismatch", message="server text")
    failed = STAFF_ROUTES["/worklist/visit/face"](ui)
    assert {"visit-face-again", "visit-face-record"} <= set(identifiers(failed))
    assert "原因：和社保档案中的照片对不上。" in texts(failed)


def test_record_screen_after_sending_names_the_review() -> None:
    from shared.worklist_schemas import VisitRecordPublic

    ui = field_ui("zh-Hant")
    ui.state.console.visit.record = VisitRecordPublic(
        record_id=1,
        visit_request_id=3,
        reason="dementia",
        notes="臥床",
        visited_on=date(2026, 11, 22),
        recorded_by=1,
        review_id="rv-1",
        review_status="pending",
        photos=2,
    )
    view = STAFF_ROUTES["/worklist/visit/record"](ui)
    assert {"visit-record-sent", "visit-record-review-id"} <= set(identifiers(view))
    assert "受理編號：rv-1" in texts(view)


# --- the citizens' home-visit request ---------------------------------------------------------------------


def test_other_ways_and_third_failure_offer_a_home_visit() -> None:
    from shared.schemas import FramesResult

    assert "alt-request-visit" in identifiers(ROUTES["/certify/alternatives"](make_ui("zh-Hans")))
    failed = FramesResult(result="failed", reason="still_image", message="x")
    assert "outcome-request-visit" in identifiers(ROUTES["/certify/result"](_outcome_ui(failed, failures=3)))
    assert "outcome-request-visit" not in identifiers(
        ROUTES["/certify/result"](_outcome_ui(failed, failures=1))
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_visit_request_screen_for_a_relative_and_its_confirmation(language: str) -> None:
    from app.citizen.visit_request import VisitRequestForm
    from shared.worklist_schemas import VisitRequestAck

    ui = make_ui(language)
    ui.state.visit_request = VisitRequestForm.for_relative(5, "吴*佑")
    view = ROUTES["/visit-request"](ui)
    assert_translated(view, "/visit-request", language)
    ids = set(identifiers(view))
    assert {
        "visit-request-relative",
        "visit-request-phone",
        "visit-request-reason-elderly",
        "visit-request-submit",
    } <= ids and "visit-request-id" not in ids
    ui.state.visit_request.ack = VisitRequestAck(
        created=True, state="requested", requested_on=date(2026, 11, 22), message="server text"
    )
    done = ROUTES["/visit-request"](ui)
    assert_translated(done, "/visit-request", language)
    assert {"visit-request-done", "visit-request-date", "visit-request-next"} <= set(identifiers(done))
    assert "server text" not in texts(done)


# --- record changes: the proposal form with the person's record, the approvers' queue ---------------------


def _record_change(**changes):
    from datetime import UTC, datetime

    from shared.record_changes import RecordChangePublic

    fields = {
        "id": 3,
        "person_id": 7,
        "person_name": "马德胜",
        "id_number": _entry().id_number,
        "field": "bank_account",
        "before": None,
        "after": "************3456",
        "reason": "本人持存折来办",
        "evidence": "存折复印件",
        "status": "pending",
        "proposed_by": 2,
        "proposed_by_name": "张协办",
        "proposed_at": datetime(2026, 11, 22, 2, 30, tzinfo=UTC),
    }
    return RecordChangePublic.model_validate({**fields, **changes})


@pytest.mark.parametrize("language", LANGUAGES)
def test_change_form_shows_the_record_and_what_was_proposed(language: str) -> None:
    from shared.record_changes import ChangeField, EntitlementRecord, PersonRecordPublic

    ui = field_ui(language)
    desk = ui.state.console.changes
    desk.person_id = 7
    desk.record = PersonRecordPublic(
        person_id=7,
        name="马德胜",
        id_number=_entry().id_number,
        bank_account_masked=None,
        entitlements=[
            EntitlementRecord(id=5, benefit_type="survivor", monthly_cents=312550, payment_state="active")
        ],
        changes=[
            _record_change(),
            _record_change(id=2, field="name", before="马得胜", after="马德胜", status="rejected"),
        ],
    )
    desk.kind, desk.entitlement_id = ChangeField.STATUS, 5
    desk.last_proposed = _record_change()
    view = STAFF_ROUTES["/worklist/person/change"](ui)
    assert_translated(view, "/worklist/person/change", language)
    assert {"change-record", "change-ent-0", "change-choice-stopped", "change-done"} <= set(identifiers(view))
    if language == "zh-Hans":
        shown = texts(view)
        assert "遗属待遇：每月 3125.50 元，正常发放" in shown
        assert "银行账号：—" in shown
        assert "已提交，等待审批：银行账号 — → ************3456" in shown
        assert "姓名：马得胜 → 马德胜（已退回，申请人 张协办）" in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_change_queue_shows_before_and_after_and_hides_the_buttons_from_the_proposer(language: str) -> None:
    ui = make_staff_ui(language, StaffRole.REVIEWER)
    desk = ui.state.console.changes
    desk.queue = [
        _record_change(can_decide=True, after="6222021001123456"),
        _record_change(
            id=4,
            field="monthly_amount",
            before="312550",
            after="350000",
            entitlement_id=5,
            benefit_type="survivor",
        ),
    ]
    ui.page = _PageStub()
    view = STAFF_ROUTES["/changes"](ui)
    assert_translated(view, "/changes", language)
    ids = set(identifiers(view))
    assert {"changes-item-0", "changes-approve-0", "changes-reject-0", "changes-item-1"} <= ids
    assert "changes-approve-1" not in ids  # not decidable by this viewer
    if language == "zh-Hans":
        shown = texts(view)
        assert "银行账号：— → 6222021001123456" in shown
        assert "遗属待遇的月发放金额：3125.50 元 → 3500.00 元" in shown
        assert "共 2 条待审批" in shown


class _PageStub:
    """What the queue screen asks of the page while it is built: to start loading (not run here)."""

    def run_task(self, fn, *args):
        return None
