"""The attestation, sign-off and review screens of the staff app build in every language from state alone:
texts translated, identifiers unique, each screen schedules its list to load when it opens; the review item
shows its history, an opened photo inline, and keeps "approve" disabled until every file is opened."""

from __future__ import annotations

from datetime import UTC, date, datetime

import flet as ft
import pytest

from app.common.api_client import ApiClient
from app.common.ui import Ui
from app.staff.attestation_state import PendingFile
from app.staff.console_client import ConsoleClient
from app.staff.screens import ROUTES
from app.staff.state import StaffAppState
from shared.enums import CertificationMethod, StaffRole
from shared.i18n import CATALOGS, LANGUAGES
from shared.schemas import (
    AttestationPublic,
    CaseEvent,
    EvidencePublic,
    ReferenceHistoryEntry,
    ReviewItemPublic,
    SignoffPublic,
    StaffPublic,
    StaffRef,
)
from tests.app.test_screens import assert_translated, identifiers, texts, walk

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
OPENER = StaffRef(staff_id=3, name="张协办", region_code="110101001001")
TOWNSHIP = StaffRef(staff_id=4, name="赵街道", region_code="110101001")
AT = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


class PageDouble:
    """Where a screen schedules its work (``run_task``) and asks for redraws; nothing runs here."""

    web = True
    route = "/"

    def __init__(self) -> None:
        self.tasks: list[object] = []
        self.updates = 0

    def run_task(self, handler, *args):
        self.tasks.append(handler)

    def update(self, *controls) -> None:
        self.updates += 1


def staff_ui(language: str, role: StaffRole = StaffRole.COORDINATOR) -> Ui:
    state = StaffAppState()
    state.settings.set_language(language)
    state.console.staff = StaffPublic(
        staff_id=3, username="zhang", name="张协办", role=role, region_code="110101001001"
    )
    state.console.client = ConsoleClient("http://127.0.0.1:9")
    return Ui(
        page=PageDouble(),
        state=state,
        routes=ROUTES,
        api_factory=ApiClient,  # type: ignore[arg-type]
        title_key="console.title",
    )


def attestation(**changes) -> AttestationPublic:
    att = AttestationPublic(
        attestation_id=12,
        holder_name="李*英",
        holder_id="1101**********022X",
        reason="长期卧床，无法刷脸",
        status="collecting",
        witness_name="王桂香",
        opened_by=OPENER,
        opened_at=AT,
        required_signoffs=["village", "township", "county"],
        signoffs=[SignoffPublic(level="village", signer=OPENER, signed_on=date(2026, 11, 20), signed_at=AT)],
        missing_signoffs=["township", "county"],
        next_signoff="township",
        evidence=[
            EvidencePublic(
                evidence_id=30,
                kind="photo",
                content_type="image/jpeg",
                size_bytes=52_000,
                taken_on=date(2026, 11, 20),
                uploaded_at=AT,
                uploaded_by=OPENER,
            )
        ],
    )
    return att.model_copy(update=changes)


def review_item(opened: tuple[bool, bool] = (False, False), blocked: str | None = "evidence_not_opened"):
    files = [
        EvidencePublic(
            evidence_id=30,
            kind="photo",
            content_type="image/jpeg",
            size_bytes=52_000,
            taken_on=date(2026, 11, 20),
            uploaded_by=OPENER,
            opened_by_me=opened[0],
        ),
        EvidencePublic(
            evidence_id=31,
            kind="video",
            content_type="video/mp4",
            size_bytes=187_000,
            taken_on=date(2026, 11, 20),
            uploaded_by=OPENER,
            opened_by_me=opened[1],
        ),
    ]
    history = [
        CaseEvent(action="opened", at=AT, staff=OPENER, actor="staff:3"),
        CaseEvent(action="uploaded", at=AT, staff=OPENER, actor="staff:3", evidence_id=30),
        CaseEvent(action="uploaded", at=AT, staff=OPENER, actor="staff:3", evidence_id=31),
        CaseEvent(action="signed", at=AT, staff=OPENER, actor="staff:3", level="village"),
        CaseEvent(action="signed", at=AT, staff=TOWNSHIP, actor="staff:4", level="township"),
        CaseEvent(action="submitted", at=AT, staff=TOWNSHIP, actor="staff:4"),
    ]
    return ReviewItemPublic(
        review_id="rv-abc",
        kind="attestation",
        status="pending",
        method=CertificationMethod.ATTESTATION,
        holder_name="李*英",
        holder_id="1101**********022X",
        region_code="110101001001",
        note="长期卧床，无法刷脸",
        submitted_at=AT,
        evidence=files,
        history=history,
        approval_blocked=blocked,
        references=[
            ReferenceHistoryEntry(
                reference_id=7,
                source="onsite_enrolment",
                added_at=AT,
                added_by=OPENER,
                id_checked_by=OPENER,
                status="active",
                confirmation="second_staff",
                confirmed_by=TOWNSHIP,
                confirmed_at=AT,
            ),
            ReferenceHistoryEntry(
                reference_id=8,
                source="onsite_enrolment",
                added_at=AT,
                added_by=OPENER,
                id_checked_by=OPENER,
                status="awaiting_confirmation",
            ),
        ],
    )


def visible_identifiers(control: object) -> list[str]:
    """Semantics identifiers of the controls that are shown (an invisible control hides its children)."""
    import dataclasses

    if not isinstance(control, ft.BaseControl) or control.visible is False:
        return []
    found = [control.identifier] if isinstance(control, ft.Semantics) and control.identifier else []
    for f in dataclasses.fields(control):
        value = getattr(control, f.name, None)
        for child in value if isinstance(value, list) else [value]:
            found += visible_identifiers(child)
    return found


def buttons_named(view: ft.View, identifier: str) -> list[ft.Button]:
    """The buttons inside the Semantics tagged ``identifier``."""
    tagged = [c for c in walk(view) if isinstance(c, ft.Semantics) and c.identifier == identifier]
    return [b for s in tagged for b in walk(s) if isinstance(b, ft.Button)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_attestation_form_and_mine_in_progress(language: str) -> None:
    ui = staff_ui(language)
    ui.state.console.attest.mine = [attestation()]
    view = ROUTES["/attestations"](ui)
    assert_translated(view, "/attestations", language)
    assert {
        "attest-id",
        "attest-name",
        "attest-reason",
        "attest-witness",
        "attest-open",
        "attest-mine",
        "attest-mine-0-title",
        "attest-resume-0",
    } <= set(identifiers(view))
    assert len(ui.page.tasks) == 1  # "mine" is reloaded when the screen opens


@pytest.mark.parametrize("language", LANGUAGES)
def test_attestation_at_hand_offers_camera_files_and_the_next_signature(language: str) -> None:
    ui = staff_ui(language)
    desk = ui.state.console.attest
    desk.current = attestation(
        signoffs=[], missing_signoffs=["village", "township", "county"], next_signoff="village", evidence=[]
    )
    desk.pending = [
        PendingFile("photo-1.jpg", JPEG, "image/jpeg"),
        PendingFile("a.pdf", b"%PDF-1.4", "application/pdf"),
    ]
    view = ROUTES["/attestations"](ui)
    assert_translated(view, "/attestations", language)
    ids = set(identifiers(view))
    assert {
        "attest-current",
        "attest-camera-open",
        "attest-pick",
        "attest-pending-0",
        "attest-pending-1",
        "attest-drop-0",
        "attest-taken-on",
        "attest-send",
        "attest-sign",
        "attest-close",
    } <= ids
    assert [c.src for c in walk(view) if isinstance(c, ft.Image)] == [JPEG]  # the photo to send, small
    if language == "zh-Hans":
        shown = texts(view)
        assert "我签字（村/社区）" in shown and "待上传：photo-1.jpg" in shown
        assert "还需要至少一个证明材料才能提交审核。" in shown


def test_attestation_in_review_shows_its_number_and_no_more_buttons() -> None:
    ui = staff_ui("zh-Hans")
    ui.state.console.attest.current = attestation(
        status="in_review", next_signoff=None, missing_signoffs=[], review_id="rv-abc"
    )
    view = ROUTES["/attestations"](ui)
    shown = texts(view)
    assert "签字和材料已齐全，已提交审核（受理编号 rv-abc）。" in shown and "状态：已提交审核" in shown
    shown_ids = set(visible_identifiers(view))
    assert {"attest-current", "attest-done", "attest-close"} <= shown_ids
    assert not {"attest-sign", "attest-send", "attest-pick", "attest-camera-open"} & shown_ids


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", [StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN])
def test_to_sign_lists_what_waits_for_my_level(language: str, role: StaffRole) -> None:
    ui = staff_ui(language, role)
    ui.state.console.attest.to_sign = [attestation(), attestation(attestation_id=13, witness_name=None)]
    view = ROUTES["/signoffs"](ui)
    assert_translated(view, "/signoffs", language)
    assert {
        "signoffs-count",
        "signoffs-item-0-title",
        "signoffs-sign-0",
        "signoffs-sign-1",
        "signoffs-refresh",
    } <= set(identifiers(view))
    assert len(ui.page.tasks) == 1
    if language == "zh-Hans":
        shown = texts(view)
        assert "共 2 份待签字" in shown and "我签字（乡镇/街道）" in shown and "作证邻居：王桂香" in shown
        assert "村/社区：张协办 已签字（2026年11月20日）" in shown


def test_the_attestation_screen_is_not_for_reviewers() -> None:
    ids = identifiers(ROUTES["/attestations"](staff_ui("zh-Hans", StaffRole.REVIEWER)))
    assert "console-not-allowed" in ids and "attest-open" not in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_item_with_history_and_evidence(language: str) -> None:
    ui = staff_ui(language, StaffRole.REVIEWER)
    ui.state.console.case.item = review_item()
    view = ROUTES["/review"](ui)
    assert_translated(view, "/review", language)
    ids = set(identifiers(view))
    assert {
        "console-review-case",
        "console-history-0",
        "console-history-5",
        "console-evidence-1",
        "console-evidence-open-1",
        "console-evidence-open-2",
        "console-review-reason",
        "console-approve",
        "console-reject",
        "console-approve-hint",
        "console-review-back",
        "console-reference-0",
        "console-reference-1",
    } <= ids
    assert [b.disabled for b in buttons_named(view, "console-approve")] == [True]
    if language == "zh-Hans":
        shown = texts(view)
        assert "2026-11-20 09:30 张协办（110101001001）：上传材料 2" in shown  # China time, file numbers
        assert "2026-11-20 09:30 赵街道（110101001）：乡镇/街道签字" in shown
        # who added each reference face and checked the ID document, and how it was confirmed (finding 4)
        assert "2026-11-20 09:30 上门人脸建模：张协办添加，身份证由张协办核对；由赵街道复核确认" in shown
        assert "2026-11-20 09:30 上门人脸建模：张协办添加，身份证由张协办核对；待确认（未启用）" in shown
        assert "请先逐一查看全部证明材料，“通过”按钮才能使用。" in shown and "证明材料（已查看 0/2）" in shown


def test_an_opened_photo_is_shown_and_approve_waits_for_the_last_file() -> None:
    ui = staff_ui("en", StaffRole.REVIEWER)
    case = ui.state.console.case
    case.item, case.contents = review_item(opened=(True, False)), {30: JPEG}
    view = ROUTES["/review"](ui)
    assert [c.src for c in walk(view) if isinstance(c, ft.Image)] == [JPEG]
    ids = identifiers(view)
    assert "console-evidence-photo-1" in ids and "console-evidence-open-1" not in ids
    assert [b.disabled for b in buttons_named(view, "console-approve")] == [True]
    assert "Evidence (opened 1 of 2)" in texts(view)

    case.item = review_item(opened=(True, True), blocked=None)
    view = ROUTES["/review"](ui)
    assert [b.disabled for b in buttons_named(view, "console-approve")] == [False]

    case.item = review_item(opened=(True, True), blocked="same_staff")  # took part: another reviewer decides
    view = ROUTES["/review"](ui)
    assert [b.disabled for b in buttons_named(view, "console-approve")] == [True]
    assert CATALOGS["en"]["error.same_staff"] in texts(view)


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_queue_opens_items_instead_of_deciding_them_blind(language: str) -> None:
    ui = staff_ui(language, StaffRole.REVIEWER)
    ui.state.console.queue = [review_item()]
    view = ROUTES["/review"](ui)
    assert_translated(view, "/review", language)
    ids = set(identifiers(view))
    assert {"console-review-item-0", "console-review-open-0"} <= ids and "console-approve-0" not in ids
    assert len(ui.page.tasks) == 1


def test_no_signature_is_offered_to_whoever_signed_a_level_of_it() -> None:
    ui = staff_ui("zh-Hans")
    ui.state.console.attest.current = attestation()  # the village level was signed by this account (3)
    assert "attest-sign" not in visible_identifiers(ROUTES["/attestations"](ui))
    ui.state.console.staff = ui.state.console.staff.model_copy(update={"staff_id": 9})
    view = ROUTES["/attestations"](ui)
    assert "attest-sign" in visible_identifiers(view) and "我签字（乡镇/街道）" in texts(view)
