"""Home visit: the person's live face challenge on the coordinator's camera (the citizens' capture panel:
quality hints, one instruction at a time, upload with retry) through the on-site endpoint with the ID
card's last 4 characters; then the receipt with its QR code, or the reason it did not pass and the way
on (try again, or record the visit without a face check)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.capture import CaptureFlow
from app.common.components import buttons, text
from app.common.components.capture_panel import CapturePanel
from app.common.components.messages import MessageLine
from app.common.components.receipt import receipt_card
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR, OK
from app.staff.components.visit_nav import step_line, visit_gate
from app.staff.visit_state import VisitStep
from shared.enums import CertificationResult, VisitRecordReason
from shared.i18n.errors import reason_key

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.FACE.route
PREVIEW_HEIGHT = 300  # "start" stays on a phone's first screen under the step line


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    console = ui.state.console
    visit = console.visit

    async def to_id_card() -> None:
        await ui.go(VisitStep.ID_CARD.route)

    async def to_record() -> None:
        if visit.record_form.reason is None:
            visit.record_form.reason = VisitRecordReason.FACE_NOT_RECOGNISED
        await ui.go(VisitStep.RECORD.route)

    if not visit.id_attempted or visit.id_error_key() is not None:  # the ID card first
        return screen(
            ui,
            ROUTE,
            title,
            [
                step_line(ui, visit, VisitStep.FACE),
                text.body(t("visit.face.id_first"), identifier="visit-face-id-first"),
                buttons.primary(t("visit.id.again"), "visit-face-recheck", to_id_card),
            ],
            back_to=VisitStep.ID_CARD.route,
        )

    controls: list[ft.Control] = [step_line(ui, visit, VisitStep.FACE)]
    if visit.result is None:
        controls += _capture(ui, to_id_card, to_record)
    else:
        controls += _outcome(ui, to_record)
    return screen(ui, ROUTE, title, controls, back_to="/worklist/person")


def _capture(ui: Ui, to_id_card, to_record) -> list[ft.Control]:
    t = ui.t
    console = ui.state.console
    visit = console.visit

    async def to_id_card_refused() -> None:
        visit.notice = panel.flow.notice  # the ID card screen says why
        await to_id_card()

    recheck = buttons.secondary(
        t("visit.id.again"), "visit-face-recheck", to_id_card_refused, icon=ft.Icons.BADGE
    )

    def follow(flow: CaptureFlow) -> None:
        recheck.visible = flow.notice is not None and flow.notice.key == "error.id_card_mismatch"

    async def done(flow: CaptureFlow) -> None:
        await visit.face_checked(console.field_client, flow.result, flow.receipt_qr_png)
        ui.refresh()
        ui.page.update()

    panel = CapturePanel(
        ui,
        console.face_api(),
        visit.challenge_source(console.field_client),
        rear=True,
        on_done=done,
        on_alternatives=to_record,
        alternatives_key="visit.face.cannot",
        on_lens=lambda rear: None,
        lens_keys=("visit.camera.front", "visit.camera.rear"),
        on_render=follow,
        preview_height=PREVIEW_HEIGHT,
    )
    return [
        *panel.controls,
        recheck,
        text.body(t("visit.face.intro")),
        text.body(t("visit.face.consent"), muted=True),
    ]


def _outcome(ui: Ui, to_record) -> list[ft.Control]:
    t = ui.t
    console = ui.state.console
    visit = console.visit
    result = visit.result

    async def again() -> None:
        visit.result, visit.receipt_qr_png = None, None
        ui.refresh()
        ui.page.update()

    async def next_step() -> None:
        await ui.go(VisitStep.CONTACT.route)

    async def finish() -> None:
        await ui.go(VisitStep.DONE.route)

    notice = MessageLine(identifier="visit-face-notice")
    notice.show(
        visit.notice.render(t) if visit.notice else None
    )  # e.g. the visit request could not be closed
    if result.result is CertificationResult.PASSED:
        controls: list[ft.Control] = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                    text.heading(t("visit.face.passed"), identifier="visit-face-result"),
                ]
            ),
        ]
        controls += [notice.control, buttons.primary(t("common.next"), "visit-face-next", next_step)]
        if result.receipt is not None:  # the person may keep a photo of it; staff scan the QR code
            controls.append(receipt_card(t, result.receipt, visit.receipt_qr_png))
        return controls
    if result.result is CertificationResult.NEEDS_REVIEW:
        return [
            text.heading(t("outcome.needs_review.title"), identifier="visit-face-result"),
            text.body(t("visit.face.needs_review")),
            buttons.primary(t("common.next"), "visit-face-next", finish),
        ]
    return [
        ft.Row(
            [
                ft.Icon(ft.Icons.ERROR, color=ERROR, size=56),
                text.heading(t(_failed_title(result.result)), identifier="visit-face-result"),
            ]
        ),
        text.body(
            t("outcome.reason", reason=t(reason_key(result.reason))),
            identifier="visit-face-reason",
        ),
        buttons.primary(t("common.retry"), "visit-face-again", again),
        buttons.secondary(t("visit.face.cannot"), "visit-face-record", to_record, icon=ft.Icons.EDIT_NOTE),
    ]


def _failed_title(result: CertificationResult) -> str:
    """A retry (too few usable pictures, not counted) is not called a failure."""
    return "outcome.retry.title" if result is CertificationResult.RETRY else "outcome.failed.title"
