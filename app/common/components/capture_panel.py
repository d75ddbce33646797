"""The face-capture part of a screen, for both apps: preview with an oval guide, one large instruction at a
time (read out by the screen reader), upload progress, "not submitted yet" with "try again" (same frames,
same idempotency key), "continue anyway" when the quality hints are stuck, the lens switch and a button to
the non-face ways.

The citizens' camera screen and the staff app's home-visit face step each build one ``CapturePanel`` with
their challenge source and say what happens when the flow is done (``on_done``). Semantics identifiers are
``camera-*`` in both apps.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.common.camera import FletCamera
from app.common.capture import CaptureFlow, CapturePhase, ChallengeSource
from app.common.components import buttons, text
from app.common.components.oval import face_oval
from app.common.components.theme import ACCENT, ERROR, INK
from app.common.speech import RESULT_KEYS, SPOKEN_KEYS, Speaker, flet_audio_player
from shared.schemas import ChallengeRequest

if TYPE_CHECKING:
    from app.common.api_client import ApiClient
    from app.common.ui import Ui

PREVIEW_HEIGHT = 400
SPOKEN_PHASES = (
    CapturePhase.PREVIEW,
    CapturePhase.HOLD_STILL,
    CapturePhase.ACTION,
    CapturePhase.NOT_SUBMITTED,
    CapturePhase.NO_CAMERA,
)


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
        case CapturePhase.ERROR if flow.notice is not None:
            return "camera.error"
        case _:
            return "common.working"


async def _silent(url: str) -> None:
    """No page (a test builds the screen): nothing to play on."""


class CapturePanel:
    """``controls`` go on the screen; ``flow`` is the capture (kept by the app's state for "try again")."""

    def __init__(
        self,
        ui: Ui,
        api: ApiClient,
        source: ChallengeRequest | ChallengeSource,
        *,
        rear: bool,
        on_done: Callable[[CaptureFlow], Awaitable[None]],
        on_alternatives: Callable[[], Awaitable[None]] | None = None,
        alternatives_key: str = "camera.alternatives",
        on_lens: Callable[[bool], None] | None = None,
        lens_keys: tuple[str, str] = ("camera.use_front", "camera.use_rear"),
        on_render: Callable[[CaptureFlow], None] | None = None,
        preview_height: int = PREVIEW_HEIGHT,
    ) -> None:
        self.ui = ui
        self._on_render = on_render  # the screen's own controls follow the flow too
        self._on_done = on_done
        self._on_lens = on_lens
        self._lens_keys = lens_keys
        self.camera = FletCamera()
        self.flow = CaptureFlow(
            api, self.camera, source, rear=rear, on_change=self._changed, on_progress=self._uploaded
        )
        t = ui.t
        self.instruction = ft.Text(
            "", theme_style=ft.TextThemeStyle.HEADLINE_MEDIUM, color=INK, text_align=ft.TextAlign.CENTER
        )
        self.notice = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE, color=ERROR)
        self.notice_row = ft.Semantics(
            identifier="camera-notice", live_region=True, content=self.notice, visible=False
        )
        self.progress = ft.ProgressBar(value=0, height=14, color=ACCENT)
        self.progress_row = ft.Semantics(identifier="camera-progress", content=self.progress, visible=False)
        self.progress_text = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)
        self.start_button = buttons.primary(t("camera.start"), "camera-start", self._start)
        self.retry_button = buttons.primary(t("common.retry"), "camera-retry", self._retry)
        self.lens_button = buttons.secondary(
            self._lens_label(), "camera-lens", self._toggle_lens, icon=ft.Icons.CAMERASWITCH
        )
        self.lens_button.visible = on_lens is not None
        self.continue_button = buttons.primary(t("camera.continue_anyway"), "camera-continue", self._continue)
        self.alt_button = buttons.secondary(
            t(alternatives_key), "camera-alternatives", on_alternatives or self._nothing
        )
        self._has_alternatives = on_alternatives is not None
        self.stuck_text = ft.Semantics(
            identifier="camera-stuck", visible=False, content=text.body(t("camera.hints_stuck"))
        )
        # The oval sits over the preview, not inside the camera control: it shows on the black box before the
        # camera starts (a camera control draws its content only once its preview runs).
        preview = ft.Container(
            content=ft.Stack([self.camera.control, face_oval()], fit=ft.StackFit.EXPAND),
            height=preview_height,
            bgcolor="#000000",
            border_radius=16,
            clip_behavior=ft.ClipBehavior.ANTI_ALIAS,
        )
        self.preview_box = ft.Semantics(identifier="camera-preview", content=preview)
        self._announcer = ft.SemanticsService()
        self.speaker = Speaker(
            lambda: ui.state.settings.speech,
            lambda: ui.state.settings.language,
            flet_audio_player() if ui.page is not None else _silent,
        )
        self._said = ""  # the catalog key last spoken (app/common/speech.py)
        self._spoken = ""
        self._last_shown = -1
        self.controls: list[ft.Control] = [
            self.preview_box,
            ft.Semantics(identifier="camera-instruction", live_region=True, content=self.instruction),
            self.progress_row,
            ft.Semantics(identifier="camera-progress-text", content=self.progress_text),
            self.notice_row,
            self.stuck_text,
            self.continue_button,
            self.start_button,
            self.retry_button,
            self.lens_button,
            self.alt_button,
        ]
        self.render()

    # --- rendering ------------------------------------------------------------------------------------

    def _lens_label(self) -> str:
        front, rear = self._lens_keys
        return self.ui.t(front if self.flow.rear else rear)

    def render(self) -> None:
        t, flow = self.ui.t, self.flow
        phase = flow.phase
        self.instruction.value = t(instruction_key(flow))
        self.instruction.color = (
            ERROR
            if phase in (CapturePhase.NO_CAMERA, CapturePhase.NOT_SUBMITTED, CapturePhase.ERROR)
            else INK
        )
        self.start_button.visible = phase in (CapturePhase.READY, CapturePhase.ERROR, CapturePhase.NO_CAMERA)
        self.preview_box.visible = phase is not CapturePhase.NO_CAMERA  # no black box where no camera works
        self.lens_button.visible = self._on_lens is not None and phase is CapturePhase.READY
        self.retry_button.visible = phase is CapturePhase.NOT_SUBMITTED
        stuck = phase is CapturePhase.PREVIEW and flow.gate is not None and flow.gate.offer_skip
        self.continue_button.visible = stuck
        self.stuck_text.visible = stuck
        self.alt_button.visible = self._has_alternatives and phase in (
            CapturePhase.READY,
            CapturePhase.NO_CAMERA,
            CapturePhase.ERROR,
            CapturePhase.NOT_SUBMITTED,
            CapturePhase.PREVIEW,
        )
        self.progress_row.visible = phase is CapturePhase.UPLOADING
        self.progress.value = flow.progress
        self.progress_text.value = (
            t("camera.progress", percent=round(flow.progress * 100))
            if phase is CapturePhase.UPLOADING
            else ""
        )
        self.notice_row.visible = flow.notice is not None and phase is not CapturePhase.NOT_SUBMITTED
        self.notice.value = flow.notice.render(t) if flow.notice else ""
        buttons.relabel(self.lens_button, self._lens_label())
        if self._on_render is not None:
            self._on_render(flow)

    def _update(self) -> None:
        if self.ui.page is not None:
            self.ui.page.update()

    # --- flow callbacks --------------------------------------------------------------------------------

    async def _announce(self, message: str) -> None:
        # Read each new instruction out with the screen reader (TalkBack, VoiceOver, browser readers):
        # the voice prompt this platform allows without a speech engine of our own.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self._announcer.announce_message(message, assertiveness=ft.Assertiveness.ASSERTIVE), 2.0
            )

    async def _changed(self) -> None:
        self.render()
        self._update()
        flow = self.flow
        await self._say(flow)
        if (
            self.instruction.value != self._spoken
            and flow.phase in SPOKEN_PHASES
            and self.ui.page is not None
        ):
            self._spoken = self.instruction.value
            self.ui.page.run_task(self._announce, self.instruction.value)
        if flow.phase is CapturePhase.DONE and flow.result is not None:
            await self._on_done(flow)

    async def _say(self, flow: CaptureFlow) -> None:
        """Speak each new instruction, and the result once it is in (a failed clip never stops the flow)."""
        key = instruction_key(flow)
        if flow.phase is CapturePhase.DONE and flow.result is not None:
            key = RESULT_KEYS.get(str(flow.result.result), "")
        if key and key != self._said and key in SPOKEN_KEYS:
            self._said = key
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.speaker.say(key), 2.0)

    def _uploaded(self) -> None:  # called from the upload loop: refresh the bar every 10 %
        percent = round(self.flow.progress * 100)
        if percent // 10 != self._last_shown // 10:
            self._last_shown = percent
            self.render()
            self._update()

    # --- buttons ---------------------------------------------------------------------------------------

    async def _start(self) -> None:
        await self.flow.run()

    async def _retry(self) -> None:
        await self.flow.upload()

    def _continue(self) -> None:
        self.flow.continue_anyway()
        self.render()

    def _toggle_lens(self) -> None:
        self.flow.rear = not self.flow.rear
        if self._on_lens is not None:
            self._on_lens(self.flow.rear)
        self.render()

    async def _nothing(self) -> None:
        return None
