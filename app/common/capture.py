"""The face-capture flow without a UI: challenge → quality hints → one action at a time → upload → result.

States (``CapturePhase``): READY (explained, waiting for "Start") → STARTING (camera opening, challenge
requested) → PREVIEW (about one picture a second checked by the API's quality gate, one large hint shown,
until two good pictures in a row; "continue anyway" is offered after ~15 s, see ``app/common/preview.py``) →
HOLD_STILL (a few pictures of the still face: the liveness check wants a neutral start) →
ACTION (one instruction on screen while a burst of pictures is taken; after the last one the
pictures go on for ``TAIL_S``) → UPLOADING (progress)
→ DONE (a ``FramesResult``) or NOT_SUBMITTED (the network failed: frames and idempotency key are kept,
"try again" resends exactly the same upload, so the server decides at most once). NO_CAMERA and
ERROR end the flow with a notice and the non-face ways.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from app.common.api_client import ApiClient, ApiError, Frame, NetworkError, new_idempotency_key
from app.common.camera import JPEG_MAGIC, CameraUnavailable, FaceCamera, capture_burst
from app.common.notices import Notice, notice_for
from app.common.preview import PREVIEW_INTERVAL_S, PreviewGate
from shared.enums import CertificationResult, ChallengeAction
from shared.schemas import ChallengeRequest, ChallengeResponse, FramesResult


class CapturePhase(StrEnum):
    READY = "ready"
    STARTING = "starting"
    PREVIEW = "preview"  # quality hints before the first instruction
    HOLD_STILL = "hold_still"  # a few pictures of the still face first: the check needs a neutral start
    ACTION = "action"
    UPLOADING = "uploading"
    NOT_SUBMITTED = "not_submitted"
    DONE = "done"
    NO_CAMERA = "no_camera"
    ERROR = "error"


# Frame rate of a challenge capture. Active liveness looks for events between pictures: a blink lasts
# 100-400 ms, so ~10 pictures a second (one every 100 ms) catches one in 1-4 frames. On the web client
# each take_picture() costs ~75 ms in Chromium (flet-1.0 notes), so 100 ms is close to the fastest a burst
# of pictures can go there; a slower device simply takes them back to back.
FRAMES_PER_SECOND = 10
FRAME_INTERVAL_S = 1 / FRAMES_PER_SECOND
# Keep capturing this long after the last instruction's burst: a late blink or mouth still lands in a frame.
TAIL_S = 0.6


@dataclass(frozen=True)
class CapturePlan:
    """How many pictures per action, how far apart, and the pause to read an instruction first."""

    per_action: int
    interval_s: float
    settle_s: float
    neutral: int = 0  # pictures of the still face before the first action
    tail: int = 0  # pictures after the last action's burst (the last instruction stays on screen)


def plan_for(
    challenge: ChallengeResponse,
    *,
    interval_s: float = FRAME_INTERVAL_S,
    settle_s: float = 1.0,
    seconds_per_action: float = 2.0,
    neutral: int = 5,
    tail_s: float = TAIL_S,
) -> CapturePlan:
    """A still face first (~0.5 s), then up to ~2 s of pictures per action and ``tail_s`` more after the
    last, all within the server's ``max_frames`` (actions get what is left, at least 3 each)."""
    n_actions = max(1, len(challenge.actions))
    neutral = min(neutral, max(0, challenge.max_frames - 3 * n_actions))
    tail = min(round(tail_s / interval_s), max(0, challenge.max_frames - neutral - 3 * n_actions))
    wanted = max(3, round(seconds_per_action / interval_s))
    per_action = max(1, min(wanted, (challenge.max_frames - neutral - tail) // n_actions))
    return CapturePlan(
        per_action=per_action, interval_s=interval_s, settle_s=settle_s, neutral=neutral, tail=tail
    )


# A challenge older than this when the hints are done is replaced before the actions (the server's
# challenges live 120 s by default; the actions and the upload need about 15 s).
CHALLENGE_REFRESH_AFTER_S = 60.0

OnChange = Callable[[], Awaitable[None] | None]
ChallengeSource = Callable[[], Awaitable[ChallengeResponse]]


class CaptureFlow:
    def __init__(
        self,
        api: ApiClient,
        camera: FaceCamera,
        request: ChallengeRequest | ChallengeSource,
        *,
        rear: bool = False,
        on_change: OnChange | None = None,
        on_progress: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        plan: Callable[[ChallengeResponse], CapturePlan] = plan_for,
        hints: bool = True,
        preview_interval_s: float = PREVIEW_INTERVAL_S,
    ) -> None:
        self.api = api
        self.camera = camera
        # Where the challenge comes from: the self-certification endpoint for an ID number and name, or
        # a family endpoint (bind a relative / certify a bound relative) given as a coroutine function.
        self.challenge_source: ChallengeSource = (
            (lambda: api.create_challenge(request)) if isinstance(request, ChallengeRequest) else request
        )
        self.rear = rear
        self._on_change = on_change
        self._on_progress = on_progress
        self._clock = clock
        self._plan = plan
        self.hints = hints  # live quality hints before the first instruction
        self.preview_interval_s = preview_interval_s
        self.gate: PreviewGate | None = None
        self.phase = CapturePhase.READY
        self.challenge: ChallengeResponse | None = None
        self.action_index = -1
        self.frames: list[Frame] = []
        self.idempotency_key = new_idempotency_key()
        self.progress = 0.0
        self.result: FramesResult | None = None
        self.notice: Notice | None = None
        self.camera_error: str | None = None
        self.receipt_qr_png: bytes | None = None

    @property
    def current_action(self) -> ChallengeAction | None:
        if self.challenge is None or not 0 <= self.action_index < len(self.challenge.actions):
            return None
        return self.challenge.actions[self.action_index]

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.result is CertificationResult.PASSED

    async def _changed(self) -> None:
        if self._on_change is not None:
            outcome = self._on_change()
            if outcome is not None:
                await outcome

    async def _set(self, phase: CapturePhase) -> None:
        self.phase = phase
        await self._changed()

    async def run(self) -> None:
        """Open the camera, get a challenge, capture each action, upload. Never raises for expected
        failures."""
        if self.phase not in (CapturePhase.READY, CapturePhase.ERROR, CapturePhase.NO_CAMERA):
            return
        self.notice, self.camera_error, self.result = None, None, None
        await self._set(CapturePhase.STARTING)
        try:
            await self.camera.start(rear=self.rear)
        except CameraUnavailable as exc:
            self.camera_error = exc.code
            await self._set(CapturePhase.NO_CAMERA)
            return
        try:
            self.challenge = await self.challenge_source()
        except ApiError as exc:
            self.notice = notice_for(exc)
            await self._set(CapturePhase.ERROR)
            return
        try:
            if self.hints:
                await self._preview()
            await self._capture(self.challenge)
        except ApiError as exc:  # a new challenge was needed after the hints and could not be had
            self.notice = notice_for(exc)
            await self._set(CapturePhase.ERROR)
            return
        except CameraUnavailable as exc:
            self.camera_error = exc.code
            await self._set(CapturePhase.NO_CAMERA)
            return
        finally:
            await self.camera.stop()
        self.idempotency_key = new_idempotency_key()  # one key per captured set of frames
        await self.upload()

    def continue_anyway(self) -> None:
        """The person chose to start the challenge although the hints are not satisfied."""
        if self.gate is not None:
            self.gate.skip()

    async def _preview(self) -> None:
        """Quality hints until two good pictures in a row (or "continue anyway", or no hints to be had).

        Preview pictures are not part of the challenge: nothing is stored or counted by the server. A
        challenge that expired meanwhile is replaced (the person may have stood in the dark for minutes).
        """
        gate = self.gate = PreviewGate(clock=self._clock)
        gate.start()
        fetched_at = self._clock()
        await self._set(CapturePhase.PREVIEW)
        while not gate.done:
            started = self._clock()
            data = await self.camera.take_picture()
            if not data.startswith(JPEG_MAGIC):
                raise CameraUnavailable("unavailable", "the camera returned something that is not a JPEG")
            if self.challenge is None:
                raise RuntimeError("preview without a challenge")  # start() fetched one before
            try:
                gate.observe(await self.api.preview(self.challenge.challenge_id, data))
            except NetworkError:
                gate.failed()
            except ApiError as exc:
                if exc.status == 410 or exc.code in ("challenge_expired", "challenge_used"):
                    self.challenge, fetched_at = await self.challenge_source(), self._clock()
                elif exc.status == 429:
                    await asyncio.sleep(min(exc.retry_after_seconds or 1, 5))
                elif exc.status in (404, 405, 501):
                    gate.unavailable()  # a server without the preview endpoint: go on without hints
                else:
                    gate.failed()
            await self._changed()
            rest = self.preview_interval_s - (self._clock() - started)
            if rest > 0 and not gate.done:
                await asyncio.sleep(rest)
        if self._clock() - fetched_at > CHALLENGE_REFRESH_AFTER_S:
            self.challenge = await self.challenge_source()  # a fresh challenge: time enough for the actions

    async def _capture(self, challenge: ChallengeResponse) -> None:
        plan = self._plan(challenge)
        self.frames = []
        t0: float | None = None
        if plan.neutral:
            self.action_index = -1
            await self._set(CapturePhase.HOLD_STILL)
            await asyncio.sleep(plan.settle_s / 2)
            t0 = self._clock()
            self.frames += await capture_burst(
                self.camera, plan.neutral, plan.interval_s, t0=t0, clock=self._clock
            )
        for index in range(len(challenge.actions)):
            self.action_index = index
            await self._set(CapturePhase.ACTION)
            await asyncio.sleep(plan.settle_s)
            if t0 is None:
                t0 = self._clock()
            self.frames += await capture_burst(
                self.camera, plan.per_action, plan.interval_s, t0=t0, clock=self._clock
            )
        if plan.tail:  # the last instruction stays on screen a little longer
            await asyncio.sleep(plan.interval_s)
            if t0 is None:
                t0 = self._clock()
            self.frames += await capture_burst(
                self.camera, plan.tail, plan.interval_s, t0=t0, clock=self._clock
            )
        self.action_index = -1

    async def upload(self) -> None:
        """Send the captured frames (again, after a network failure: same frames, same key)."""
        if self.challenge is None or not self.frames:
            return
        self.progress, self.notice = 0.0, None
        await self._set(CapturePhase.UPLOADING)

        def progress(sent: int, total: int) -> None:
            self.progress = sent / total if total else 1.0
            if self._on_progress is not None:
                self._on_progress()

        try:
            self.result = await self.api.submit_frames(
                self.challenge.challenge_id,
                self.frames,
                idempotency_key=self.idempotency_key,
                on_progress=progress,
            )
        except NetworkError as exc:
            self.notice = notice_for(exc)
            await self._set(CapturePhase.NOT_SUBMITTED)
            return
        except ApiError as exc:
            self.notice = notice_for(exc)
            await self._set(CapturePhase.ERROR)
            return
        self.progress = 1.0
        if self.result.receipt is not None and self.result.receipt.token is not None:
            try:
                self.receipt_qr_png = await self.api.receipt_qr_png(self.result.receipt.token)
            except ApiError:
                self.receipt_qr_png = None  # the receipt's facts are still shown; staff can verify by id
        await self._set(CapturePhase.DONE)
