"""face.continuity inside face.liveness, on a real clip of ../shared/faces/videos: a live recording whose
frames are shuffled and sent with forged increasing capture times is refused as IMPLAUSIBLE_MOTION; the
same frames in order, and the clip taken by a slow, irregular camera (5 pictures a second, each interval
×0.6–1.4), pass.

d10[60:236]: a woman talking, mouth wide open ~96–106, blink ~142 (the open_mouth + blink window of
bench/eval_liveness.py, one of the shuffled windows liveness accepted before this check).
"""

from __future__ import annotations

import numpy as np
import pytest

from face import continuity, liveness
from face.config import LivenessConfig
from face.frames import FrameSequence, read_video, to_timed_frames
from face.types import Action, ReasonCode, TimedFrame

pytestmark = pytest.mark.face

B, M = Action.BLINK, Action.OPEN_MOUTH


@pytest.fixture(scope="module")
def d10(faces_dir) -> FrameSequence:
    return read_video(faces_dir / "videos" / "d10.mp4").window(60, 236)


def _timed(seq: FrameSequence) -> list[TimedFrame]:
    return to_timed_frames(seq.images, [t - seq.times_ms[0] for t in seq.times_ms])


def _jittered(seq: FrameSequence, fps: float, seed: int) -> FrameSequence:
    """The frames a camera taking a picture every 1/fps s ×0.6–1.4 sends (capture times from the video)."""
    rng = np.random.default_rng(seed)
    times = np.asarray(seq.times_ms, dtype=np.float64)
    keep: list[int] = []
    t = times[0]
    while t <= times[-1]:
        i = int(np.argmin(np.abs(times - t)))
        if not keep or i > keep[-1]:
            keep.append(i)
        t += 1000.0 / fps * rng.uniform(0.6, 1.4)
    return seq.pick(keep)


def test_frames_in_order_pass(d10):
    detail = liveness.evaluate_detail([M, B], _timed(d10.subsample(5.0)))
    assert detail.result.live, liveness.describe(detail)
    rough, _ = continuity.roughness(liveness.face_frames(detail.frames))
    assert rough <= LivenessConfig().max_motion_roughness


def test_shuffled_frames_with_forged_times_are_refused(d10):
    sub = d10.subsample(5.0)
    order = np.random.default_rng(0).permutation(len(sub))
    shuffled = FrameSequence(tuple(sub.images[i] for i in order), sub.times_ms)  # times still increasing
    detail = liveness.evaluate_detail([M, B], _timed(shuffled))
    assert not detail.result.live
    assert detail.result.reason is ReasonCode.IMPLAUSIBLE_MOTION, liveness.describe(detail)
    # the check alone decides: without it the shuffled frames show both actions and pass
    loose = LivenessConfig(max_motion_roughness=10.0)
    assert liveness.evaluate([M, B], _timed(shuffled), config=loose).live


def test_slow_irregular_camera_passes(d10):
    sub = _jittered(d10, 5.0, seed=0)
    gaps = np.diff(sub.times_ms)
    assert gaps.max() - gaps.min() > 100  # really irregular: from ~120 to ~280 ms
    detail = liveness.evaluate_detail([M, B], _timed(sub))
    assert detail.result.live, liveness.describe(detail)
