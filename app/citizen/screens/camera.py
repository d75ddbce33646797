"""Face capture: preview with an oval guide, one large instruction at a time, upload with progress,
"not submitted yet" with "try again" (same frames, same idempotency key)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import flet as ft

from app.citizen.receipt_store import keep_in_background
from app.citizen.state import CertifyFor
from app.common.camera import FletCamera
from app.common.capture import CaptureFlow, CapturePhase
from app.common.components import buttons, text
from app.common.components.oval import face_oval
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT, ERROR, INK
from shared.enums import CertificationResult
from shared.schemas import ChallengeRequest, ChallengeResponse

if TYPE_CHECKING:
    from app.common.ui import Ui

PREVIEW_HEIGHT = 400


def instruction_key(flow: CaptureFlow) -> str:
    """The catalog key of the one line shown under the preview for the flow's current phase."""
    match flow.phase:
        case CapturePhase.READY | CapturePhase.HOLD_STILL:
            return "camera.hold_still"
        case CapturePhase.STARTING:
            return "camera.preparing"
        case CapturePhase.PREVIEW:
            return flow.gate.hint_key if flow.gate is not None else "hint.checking"
        case CapturePhase.ACTION:
            action = flow.current_action
            return f"action.{action}" if action else "camera.hold_still"
        case CapturePhase.UPLOADING:
            return "camera.uploading"
        case CapturePhase.NOT_SUBMITTED:
            return "camera.not_submitted"
        case CapturePhase.NO_CAMERA:
            return "camera.denied" if flow.camera_error == "denied" else "camera.unavailable"
        case _:
            return "common.working"


def build(ui: Ui) -> ft.View:
    t = ui.t
    certify = ui.state.certify
    camera = FletCamera(overlay=face_oval())
    request = ChallengeRequest(id_number=certify.identity.id_check.number or "-", name=certify.identity.clean_name
                               or "-")

    instruction = ft.Text("", theme_style=ft.TextThemeStyle.HEADLINE_MEDIUM, color=INK,
                          text_align=ft.TextAlign.CENTER)
    notice = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE, color=ERROR)
    notice_row = ft.Semantics(identifier="camera-notice", live_region=True, content=notice, visible=False)
    progress = ft.ProgressBar(value=0, height=14, color=ACCENT)
    progress_row = ft.Semantics(identifier="camera-progress", content=progress, visible=False)
    progress_text = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)

    announcer = ft.SemanticsService()
    spoken = [""]

    async def announce(message: str) -> None:
        # Read each new instruction out with the screen reader (TalkBack, VoiceOver, browser readers):
        # the voice prompt this platform allows without a speech engine of our own.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(announcer.announce_message(message, assertiveness=ft.Assertiveness.ASSERTIVE),
                                   2.0)

    async def changed() -> None:
        render()
        ui.page.update()
        if instruction.value != spoken[0] and flow.phase in (CapturePhase.PREVIEW, CapturePhase.HOLD_STILL, CapturePhase.ACTION,
                                                               CapturePhase.NOT_SUBMITTED, CapturePhase.NO_CAMERA):
            spoken[0] = instruction.value
            ui.page.run_task(announce, instruction.value)
        if flow.phase is CapturePhase.DONE and flow.result is not None:
            if flow.result.result is CertificationResult.FAILED:
                certify.failures += 1
            for receipt in flow.result.receipts or ([flow.result.receipt] if flow.result.receipt else []):
                keep_in_background(ui, receipt)
            await ui.go("/certify/result")

    last_shown = [-1]

    def uploaded() -> None:  # called from the upload loop: refresh the bar every 10 %
        percent = round(flow.progress * 100)
        if percent // 10 != last_shown[0] // 10:
            last_shown[0] = percent
            render()
            ui.page.update()

    api = ui.api
    if certify.binding_id is not None:
        binding_id = certify.binding_id

        async def source() -> ChallengeResponse:
            return await api.start_family_challenge(binding_id)
    elif certify.bind_request is not None:
        bind_request = certify.bind_request

        async def source() -> ChallengeResponse:
            return await api.start_binding(bind_request)
    else:
        source = request

    flow = CaptureFlow(api, camera, source, rear=certify.rear_camera, on_change=changed, on_progress=uploaded)
    certify.capture = flow

    async def start() -> None:
        await flow.run()

    async def retry() -> None:
        await flow.upload()

    def continue_anyway() -> None:
        flow.continue_anyway()
        render()

    async def alternatives() -> None:
        await ui.go("/certify/alternatives")

    def toggle_rear() -> None:
        certify.rear_camera = not certify.rear_camera
        flow.rear = certify.rear_camera
        render()

    start_button = buttons.primary(t("camera.start"), "camera-start", start)
    retry_button = buttons.primary(t("common.retry"), "camera-retry", retry)
    lens_button = buttons.secondary(t("camera.use_front") if certify.rear_camera else t("camera.use_rear"),
                                    "camera-lens", toggle_rear, icon=ft.Icons.CAMERASWITCH)
    continue_button = buttons.primary(t("camera.continue_anyway"), "camera-continue", continue_anyway)
    alt_button = buttons.secondary(t("camera.alternatives"), "camera-alternatives", alternatives)

    def render() -> None:
        phase = flow.phase
        instruction.value = t(instruction_key(flow))
        instruction.color = ERROR if phase in (CapturePhase.NO_CAMERA, CapturePhase.NOT_SUBMITTED) else INK
        start_button.visible = phase in (CapturePhase.READY, CapturePhase.ERROR, CapturePhase.NO_CAMERA)
        preview_box.visible = phase is not CapturePhase.NO_CAMERA  # no black box where no camera works
        lens_button.visible = phase is CapturePhase.READY
        retry_button.visible = phase is CapturePhase.NOT_SUBMITTED
        stuck = phase is CapturePhase.PREVIEW and flow.gate is not None and flow.gate.offer_skip
        continue_button.visible = stuck
        stuck_text.visible = stuck
        alt_button.visible = phase in (CapturePhase.READY, CapturePhase.NO_CAMERA, CapturePhase.ERROR,
                                       CapturePhase.NOT_SUBMITTED, CapturePhase.PREVIEW)
        progress_row.visible = phase is CapturePhase.UPLOADING
        progress.value = flow.progress
        progress_text.value = t("camera.progress", percent=round(flow.progress * 100)) \
            if phase is CapturePhase.UPLOADING else ""
        notice_row.visible = flow.notice is not None and phase is not CapturePhase.NOT_SUBMITTED
        notice.value = flow.notice.render(t) if flow.notice else ""
        lens_button.content.controls[0].content = t("camera.use_front") if certify.rear_camera \
            else t("camera.use_rear")

    stuck_text = ft.Semantics(identifier="camera-stuck", visible=False,
                              content=text.body(t("camera.hints_stuck")))
    preview = ft.Container(content=camera.control, height=PREVIEW_HEIGHT, bgcolor="#000000", border_radius=16,
                           clip_behavior=ft.ClipBehavior.ANTI_ALIAS)
    preview_box = ft.Semantics(identifier="camera-preview", content=preview)
    render()
    return screen(
        ui,
        "/certify/camera",
        t("camera.title"),
        [
            preview_box,
            ft.Semantics(identifier="camera-instruction", live_region=True, content=instruction),
            progress_row,
            ft.Semantics(identifier="camera-progress-text", content=progress_text),
            notice_row,
            stuck_text,
            continue_button,
            start_button,
            retry_button,
            lens_button,
            alt_button,
            text.body(t("consent.keep"), muted=True),
        ],
        back_to="/family/relatives" if certify.kind is CertifyFor.FAMILY else "/certify/identity",
    )
