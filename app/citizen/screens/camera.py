"""Face capture: the common capture panel (preview with an oval guide, one large instruction at a time,
upload with progress, "try again") for self-certification, a family binding or a bound relative."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.receipt_store import keep_in_background
from app.citizen.state import CertifyFor
from app.common.components import text
from app.common.components.capture_panel import CapturePanel
from app.common.components.scaffold import screen
from shared.enums import CertificationResult
from shared.schemas import ChallengeRequest, ChallengeResponse

if TYPE_CHECKING:
    from app.common.capture import CaptureFlow, ChallengeSource
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    certify = ui.state.certify
    api = ui.api
    source: ChallengeRequest | ChallengeSource
    if certify.binding_id is not None:
        binding_id = certify.binding_id

        async def relative_challenge() -> ChallengeResponse:
            return await api.start_family_challenge(binding_id)

        source = relative_challenge
    elif certify.bind_request is not None:
        bind_request = certify.bind_request

        async def binding_challenge() -> ChallengeResponse:
            return await api.start_binding(bind_request)

        source = binding_challenge
    else:
        source = ChallengeRequest(
            id_number=certify.identity.id_check.number or "-", name=certify.identity.clean_name or "-"
        )

    async def done(flow: CaptureFlow) -> None:
        result = flow.result
        if result is None:
            return
        if result.result is CertificationResult.FAILED:
            certify.failures += 1
        for receipt in result.receipts or ([result.receipt] if result.receipt else []):
            keep_in_background(ui, receipt)
        await ui.go("/certify/result")

    async def alternatives() -> None:
        await ui.go("/certify/alternatives")

    def lens(rear: bool) -> None:
        certify.rear_camera = rear

    panel = CapturePanel(
        ui, api, source, rear=certify.rear_camera, on_done=done, on_alternatives=alternatives, on_lens=lens
    )
    certify.capture = panel.flow
    return screen(
        ui,
        "/certify/camera",
        t("camera.title"),
        [*panel.controls, text.body(t("consent.keep"), muted=True)],
        back_to="/family/relatives" if certify.kind is CertifyFor.FAMILY else "/certify/identity",
    )
