"""The capture flow without a UI: a camera that plays a real clip, the real API in-process."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from app.common.api_client import ApiClient
from app.common.camera import CameraUnavailable, capture_burst
from app.common.capture import CaptureFlow, CapturePhase, CapturePlan, plan_for
from app.common.components.capture_panel import instruction_key
from shared.enums import ChallengeAction
from shared.schemas import ChallengeRequest, ChallengeResponse

FAST = CapturePlan(per_action=4, interval_s=0.001, settle_s=0.0, neutral=2)


class ClipCamera:
    """A FaceCamera returning the frames of a real recorded clip (../shared/faces/videos), in order."""

    def __init__(self, fail_start: str | None = None) -> None:
        from tests.api.cert.clips import live_frames

        self.frames = [data for data, _ in live_frames()]
        self.fail_start = fail_start
        self.taken = 0
        self.started_rear: bool | None = None
        self.stopped = False

    async def start(self, rear: bool = False) -> None:
        if self.fail_start:
            raise CameraUnavailable(self.fail_start, "refused in the test")
        self.started_rear = rear

    async def take_picture(self) -> bytes:
        data = self.frames[self.taken % len(self.frames)]
        self.taken += 1
        return data

    async def stop(self) -> None:
        self.stopped = True


class Network(httpx.AsyncBaseTransport):
    """The in-process API behind a network that can drop frame uploads; records what was sent."""

    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.drop_uploads = False
        self.requests: list[tuple[str, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.url.path, request.headers.get("Idempotency-Key")))
        if self.drop_uploads and request.url.path.endswith("/frames"):
            raise httpx.ConnectError("network down", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def asgi_app(settings):
    from api.main import create_app

    return create_app(settings)


@pytest.fixture
def network(asgi_app) -> Network:
    return Network(asgi_app)


def api_over(network: Network) -> ApiClient:
    return ApiClient("http://lifecert.test", transport=network, retries=1, backoff_seconds=0.01)


def test_plan_fits_the_servers_frame_limit() -> None:
    challenge = ChallengeResponse(
        challenge_id="c",
        actions=[ChallengeAction.BLINK, ChallengeAction.OPEN_MOUTH, ChallengeAction.TURN_LEFT],
        expires_at=datetime.now() + timedelta(minutes=2),
        max_frames=40,
        max_frame_bytes=2_000_000,
    )
    plan = plan_for(challenge)
    assert plan.neutral + plan.per_action * 3 + plan.tail <= 40 and plan.per_action >= 3 and plan.neutral >= 3
    assert plan.interval_s == pytest.approx(0.1)  # 10 pictures a second: a blink lasts 100-400 ms
    assert plan.tail * plan.interval_s == pytest.approx(0.6)  # pictures go on ~0.6 s after the last action
    two = plan_for(challenge.model_copy(update={"actions": challenge.actions[:2]}))
    assert two.per_action > plan.per_action and two.neutral + 2 * two.per_action + two.tail <= 40
    assert plan_for(challenge.model_copy(update={"max_frames": 12})).per_action == 3  # never fewer than 3


async def test_burst_gives_jpegs_with_increasing_capture_times() -> None:
    camera = ClipCamera()
    ticks = iter(range(0, 10_000, 37))
    frames = await capture_burst(camera, 5, 0.0, t0=0.0, clock=lambda: next(ticks) / 1000)
    assert len(frames) == 5 and all(f.data[:3] == b"\xff\xd8\xff" for f in frames)
    times = [f.t_ms for f in frames]
    assert times == sorted(times) and len(set(times)) == 5


async def test_refused_camera_ends_in_no_camera_without_asking_the_server(network) -> None:
    flow = CaptureFlow(
        api_over(network),
        ClipCamera(fail_start="denied"),
        ChallengeRequest(id_number="x", name="y"),
        plan=lambda c: FAST,
    )
    await flow.run()
    assert flow.phase is CapturePhase.NO_CAMERA and flow.camera_error == "denied"
    assert instruction_key(flow) == "camera.denied"
    assert network.requests == []


async def test_unknown_person_gets_a_notice_and_the_camera_is_released(network) -> None:
    from shared.idnumber import make_id_number

    camera = ClipCamera()
    request = ChallengeRequest(
        id_number=make_id_number("110101", datetime(1951, 1, 1).date(), 995), name="无此人"
    )
    flow = CaptureFlow(api_over(network), camera, request, plan=lambda c: FAST)
    await flow.run()
    assert (
        flow.phase is CapturePhase.ERROR and flow.notice is not None and flow.notice.key == "error.not_found"
    )
    assert camera.taken == 0


async def test_lost_upload_is_not_submitted_and_retry_resends_same_frames_and_key(
    network, make_person
) -> None:
    person = make_person(name="周建华")
    camera = ClipCamera()
    phases: list[CapturePhase] = []
    flow = CaptureFlow(
        api_over(network),
        camera,
        ChallengeRequest(id_number=person.id_number, name="周建华"),
        rear=True,
        plan=lambda c: FAST,
        on_change=lambda: phases.append(flow.phase),
        hints=False,
    )  # the quality hints before the actions: tests/app/test_preview.py
    network.drop_uploads = True
    await flow.run()
    assert camera.started_rear is True and camera.stopped
    assert flow.phase is CapturePhase.NOT_SUBMITTED and flow.notice.key == "error.network"
    assert instruction_key(flow) == "camera.not_submitted"
    n_actions = len(flow.challenge.actions)
    assert camera.taken == len(flow.frames) == FAST.neutral + FAST.per_action * n_actions
    assert phases[:3] == [CapturePhase.STARTING, CapturePhase.HOLD_STILL, CapturePhase.ACTION]
    assert phases.count(CapturePhase.ACTION) == n_actions and CapturePhase.UPLOADING in phases

    await flow.upload()  # still no network
    assert flow.phase is CapturePhase.NOT_SUBMITTED
    uploads = [key for path, key in network.requests if path.endswith("/frames")]
    assert len(uploads) == 4  # two attempts (1 retry) per press, all with one key
    assert set(uploads) == {flow.idempotency_key}
    assert camera.taken == len(flow.frames)  # nothing was captured again
