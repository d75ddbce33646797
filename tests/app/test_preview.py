"""Live quality hints before the first instruction: the gate's rules (no UI, fake clock), and the capture
flow asking the real API (in-process, real face engine) about real pictures of ../shared/faces."""

from __future__ import annotations

import httpx
import pytest

from app.common.capture import CaptureFlow, CapturePhase, CapturePlan
from app.common.components.capture_panel import instruction_key
from app.common.preview import MAX_ERRORS_IN_A_ROW, OFFER_AFTER_S, GateEnd, PreviewGate
from shared.i18n import has_key
from shared.preview import HINT_KEYS, PreviewResult
from shared.schemas import ChallengeRequest
from tests.api.cert.conftest import face_engines  # noqa: F401 - the session's warmed face engine
from tests.app.test_capture import ClipCamera, Network, api_over
from tests.shared_data import require_shared

FAST = CapturePlan(per_action=3, interval_s=0.001, settle_s=0.0, neutral=2)
OK = PreviewResult(ok=True, reason="ok", message="The picture is good.")
DARK = PreviewResult(ok=False, reason="too_dark", message="Too dark.")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- the gate's rules --------------------------------------------------------------------------------


def test_two_good_pictures_in_a_row_are_needed() -> None:
    gate = PreviewGate(clock=Clock())
    gate.start()
    assert gate.hint_key == "hint.checking" and not gate.done
    gate.observe(OK)
    assert gate.hint_key == "hint.good" and not gate.done
    gate.observe(DARK)  # a bad picture between two good ones starts the count again
    assert gate.hint_key == "hint.too_dark" and gate.ok_in_a_row == 0
    gate.observe(OK)
    assert not gate.done
    gate.observe(OK)
    assert gate.end is GateEnd.READY and gate.checks == 4
    gate.observe(DARK)  # nothing changes after the end
    assert gate.end is GateEnd.READY and gate.checks == 4


def test_each_quality_reason_has_a_hint_in_every_language() -> None:
    gate = PreviewGate()
    for reason, key in HINT_KEYS.items():
        gate.last = PreviewResult(ok=False, reason=reason, message="")
        assert gate.hint_key == key and has_key(key), reason
    gate.last = PreviewResult(ok=False, reason="something_new", message="")
    assert gate.hint_key == "hint.face_camera"
    assert {
        "hint.too_dark",
        "hint.move_closer",
        "hint.someone_else",
        "hint.face_camera",
        "hint.hold_still",
    } <= set(HINT_KEYS.values())
    for key in ("hint.checking", "hint.good", "camera.continue_anyway", "camera.hints_stuck"):
        assert has_key(key), key


def test_continue_anyway_is_offered_after_a_while_and_ends_the_gate() -> None:
    clock = Clock()
    gate = PreviewGate(clock=clock)
    gate.start()
    gate.observe(DARK)
    clock.now += OFFER_AFTER_S - 1
    assert not gate.offer_skip
    clock.now += 1
    assert gate.offer_skip
    gate.skip()
    assert gate.end is GateEnd.SKIPPED and not gate.offer_skip


def test_hints_that_cannot_be_had_never_block() -> None:
    gate = PreviewGate(clock=Clock())
    gate.start()
    for _ in range(MAX_ERRORS_IN_A_ROW - 1):
        gate.failed()
    gate.observe(DARK)  # an answer in between resets the error count
    for _ in range(MAX_ERRORS_IN_A_ROW - 1):
        gate.failed()
    assert not gate.done
    gate.failed()
    assert gate.end is GateEnd.UNAVAILABLE


# --- the flow against the real API ---------------------------------------------------------------------


class PhotoCamera(ClipCamera):
    """Returns one photo until told to switch to the recorded clip."""

    def __init__(self, photo: bytes) -> None:
        super().__init__()
        self.photo: bytes | None = photo

    async def take_picture(self) -> bytes:
        if self.photo is not None:
            self.taken += 1
            return self.photo
        return await super().take_picture()


@pytest.fixture
def asgi_app(settings, face_engines):  # noqa: F811 - the fixture imported above
    from api.core.context import configure
    from api.main import create_app

    app = create_app(settings)
    configure(app, app.state.cert.cert, face_engines)
    return app


@pytest.fixture
def network(asgi_app) -> Network:
    return Network(asgi_app)


def previews(network: Network) -> int:
    return sum(path.endswith("/preview") for path, _ in network.requests)


async def test_a_good_face_passes_the_hints_then_the_actions_start(network, make_person) -> None:
    person = make_person(name="预览好")
    camera = ClipCamera()
    phases: list[CapturePhase] = []
    flow = CaptureFlow(
        api_over(network),
        camera,
        ChallengeRequest(id_number=person.id_number, name="预览好"),
        plan=lambda c: FAST,
        preview_interval_s=0.0,
        on_change=lambda: phases.append(flow.phase),
    )
    network.drop_uploads = True  # stop before the decision: this test is about what comes before it
    await flow.run()
    assert phases[:2] == [CapturePhase.STARTING, CapturePhase.PREVIEW]
    assert flow.gate.end is GateEnd.READY and flow.gate.reasons[-2:] == ["ok", "ok"]
    assert phases.index(CapturePhase.HOLD_STILL) > phases.index(CapturePhase.PREVIEW)
    n_previews = previews(network)
    assert n_previews == flow.gate.checks >= 2
    # The preview pictures are not part of the upload: only the challenge's own pictures are sent.
    assert len(flow.frames) == FAST.neutral + FAST.per_action * len(flow.challenge.actions)
    assert camera.taken == n_previews + len(flow.frames)
    assert flow.phase is CapturePhase.NOT_SUBMITTED


async def test_someone_else_in_the_picture_is_hinted_until_the_person_continues(network, make_person) -> None:
    two_people = (require_shared("faces", "scenes") / "two_people.jpg").read_bytes()
    person = make_person(name="预览双")
    camera = PhotoCamera(two_people)
    clock = Clock()
    hints: list[str] = []

    def changed() -> None:
        if flow.phase is CapturePhase.PREVIEW and flow.gate.checks:
            hints.append(instruction_key(flow))
            clock.now += 5  # five seconds between pictures on this clock
            if flow.gate.offer_skip:
                flow.continue_anyway()

    flow = CaptureFlow(
        api_over(network),
        camera,
        ChallengeRequest(id_number=person.id_number, name="预览双"),
        plan=lambda c: FAST,
        preview_interval_s=0.0,
        clock=clock,
        on_change=changed,
    )
    network.drop_uploads = True
    await flow.run()
    assert hints and set(hints) == {"hint.someone_else"}
    assert flow.gate.end is GateEnd.SKIPPED and flow.gate.checks == len(hints) >= 2
    assert all(reason == "multiple_faces" for reason in flow.gate.reasons)
    assert flow.phase is CapturePhase.NOT_SUBMITTED  # the actions were captured after "continue anyway"


class NoPreview(Network):
    """An older server: no preview endpoint."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/preview"):
            self.requests.append((request.url.path, None))
            return httpx.Response(404, json={"error": "not_found", "message": "Nothing was found here."})
        return await super().handle_async_request(request)


async def test_a_server_without_hints_starts_the_actions_at_once(asgi_app, make_person) -> None:
    network = NoPreview(asgi_app)
    person = make_person(name="预览无")
    flow = CaptureFlow(
        api_over(network),
        ClipCamera(),
        ChallengeRequest(id_number=person.id_number, name="预览无"),
        plan=lambda c: FAST,
        preview_interval_s=0.0,
    )
    network.drop_uploads = True
    await flow.run()
    assert previews(network) == 1 and flow.gate.end is GateEnd.UNAVAILABLE
    assert flow.phase is CapturePhase.NOT_SUBMITTED


async def test_an_expired_challenge_is_replaced_during_the_hints(network, make_person, session) -> None:
    from datetime import timedelta

    from api.challenges.models import Challenge
    from api.core.db import utcnow

    person = make_person(name="预览旧")
    seen: list[str] = []

    def changed() -> None:
        if flow.phase is CapturePhase.PREVIEW and flow.challenge.challenge_id not in seen:
            seen.append(flow.challenge.challenge_id)
            if len(seen) == 1:  # the first challenge expires while the person is still getting ready
                session.get(Challenge, seen[0]).expires_at = utcnow() - timedelta(seconds=1)
                session.commit()

    flow = CaptureFlow(
        api_over(network),
        ClipCamera(),
        ChallengeRequest(id_number=person.id_number, name="预览旧"),
        plan=lambda c: FAST,
        preview_interval_s=0.0,
        on_change=changed,
    )
    network.drop_uploads = True
    await flow.run()
    assert len(seen) == 2 and flow.challenge.challenge_id == seen[1]
    assert flow.gate.end is GateEnd.READY and flow.phase is CapturePhase.NOT_SUBMITTED
