"""FaceEngine.decide on real clips of ../shared/faces/videos: liveness → verification → anti-spoofing."""

from __future__ import annotations

from dataclasses import replace

import cv2
import pytest

from face import landmarks as lm
from face import verify as verification
from face.config import LivenessConfig
from face.engine import FaceEngine, sample_indices
from face.frames import decode
from face.liveness import FrameEmbeddings, analyse_frames, face_frames
from face.types import Action, LivenessResult, Outcome, ReasonCode, Template, TimedFrame

pytestmark = pytest.mark.face
CHALLENGE = [Action.OPEN_MOUTH, Action.BLINK]


def clip(path, start: int, stop: int, step: int) -> list[TimedFrame]:
    """Frames start..stop (every step-th) as JPEG bytes with their capture times, like the app uploads."""
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    frames, index = [], 0
    while index < stop:
        ok, image = cap.read()
        if not ok:
            break
        if index >= start and (index - start) % step == 0:
            data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
            frames.append(TimedFrame(data, round(index * 1000 / fps)))
        index += 1
    cap.release()
    return frames


@pytest.fixture(scope="module")
def live_d10(faces_dir):
    return clip(faces_dir / "videos/d10.mp4", 60, 240, 6)  # 30 frames: mouth wide open, then a blink


@pytest.fixture(scope="module")
def own_reference(face_engine, live_d10):
    return face_engine.template(live_d10[0].data)


def test_live_clip_of_the_right_person_passes(face_engine, live_d10, own_reference, photo):
    decision = face_engine.decide(CHALLENGE, live_d10, [own_reference])
    assert decision.outcome is Outcome.PASSED and decision.reason is ReasonCode.OK
    assert decision.liveness.live and decision.verify.match and decision.spoof.ran and decision.spoof.is_real
    assert decision.best_frame is not None and decision.timings_ms["total"] > 0


def test_live_clip_of_another_person_fails(face_engine, live_d10, photo):
    obama = face_engine.template(photo("obama/obama.jpg"))
    decision = face_engine.decide(CHALLENGE, live_d10, [obama])
    assert decision.outcome is Outcome.FAILED and decision.reason is ReasonCode.FACE_MISMATCH
    assert decision.message


def test_still_frame_repeated_fails(face_engine, live_d10, own_reference):
    still = [TimedFrame(live_d10[0].data, f.t_ms) for f in live_d10]
    decision = face_engine.decide(CHALLENGE, still, [own_reference])
    assert decision.outcome is Outcome.FAILED and decision.verify is None  # stopped before verification


def test_no_reference_goes_to_review(face_engine, live_d10):
    decision = face_engine.decide(CHALLENGE, live_d10, [])
    assert decision.outcome is Outcome.NEEDS_REVIEW and decision.reason is ReasonCode.NO_REFERENCE


def test_undecodable_frame_fails_with_reason(face_engine, live_d10, own_reference):
    broken = [*live_d10[:5], TimedFrame(b"garbage", live_d10[5].t_ms), *live_d10[6:]]
    decision = face_engine.decide(CHALLENGE, broken, [own_reference])
    assert decision.outcome is Outcome.FAILED and decision.reason is ReasonCode.NOT_AN_IMAGE


def embeddings_of(frames: list[TimedFrame]) -> FrameEmbeddings:
    """The liveness stage's per-frame analysis of `frames`, as the engine receives it."""
    grays = [lm.to_gray(decode(f, i)) for i, f in enumerate(frames)]
    analysed = face_frames(analyse_frames(grays, [f.t_ms for f in frames], LivenessConfig()))
    return FrameEmbeddings(lambda i: decode(frames[i], i), analysed)


def test_consistency_check_catches_a_spliced_person(face_engine, live_d10, photo):
    spliced = [*live_d10[:-1], TimedFrame(photo("obama/obama.jpg"), live_d10[-1].t_ms)]
    last = len(spliced) - 1
    # the liveness stage reports the last frame as an unbridged cut (another face may start there)
    live = LivenessResult(True, (), ReasonCode.OK, best_frame=10, key_frames=(10, last), cuts=(last,))
    assert face_engine._identity_changed(embeddings_of(spliced), live, len(spliced)) is True
    same = embeddings_of(live_d10)
    assert face_engine._identity_changed(same, live, len(live_d10)) is False
    assert set(same.computed) == {10, last}  # the best frame and one other, each embedded once


def test_consistency_check_costs_nothing_when_one_face_is_followed_throughout(face_engine, live_d10):
    """No unbridged cut: the capture is one face throughout, so no descriptor is computed for it."""
    live = LivenessResult(True, (), ReasonCode.OK, best_frame=10, key_frames=(10, len(live_d10) - 1))
    same = embeddings_of(live_d10)
    assert face_engine._identity_changed(same, live, len(live_d10)) is False
    assert same.computed == ()


def test_verification_reuses_the_liveness_landmarks(face_engine, live_d10, own_reference):
    """The best frame's descriptor in decide() equals a fresh detection + embedding of that frame (same
    embedding path as enrolment), to well within the same-person limit."""
    decision = face_engine.decide(CHALLENGE, live_d10, [own_reference])
    fresh = face_engine.template(live_d10[decision.best_frame].data)
    assert fresh.detector == own_reference.detector == verification.EMBEDDING_PATH
    again = face_engine.verify_template([fresh], fresh)
    assert again.distance == 0.0
    assert abs(face_engine.verify_template([own_reference], fresh).distance - decision.verify.distance) < 0.1
    assert "detect" not in decision.timings_ms


def test_templates_of_the_old_embedding_path_are_not_compared(face_engine, live_d10, own_reference):
    old = Template(
        own_reference.vector, own_reference.model, "dlib"
    )  # DeepFace-crop templates (before 2026-11)
    decision = face_engine.decide(CHALLENGE, live_d10, [old])
    assert decision.outcome is Outcome.NEEDS_REVIEW and decision.reason is ReasonCode.NO_REFERENCE


def test_spoof_verdict_sends_to_review_or_fails_by_config(face_engine, faces_dir):
    # MiniFASNet judges this genuine clip's frames fake (see face/config.py antispoof_failure).
    frames = clip(faces_dir / "videos/d18.mp4", 40, 160, 4)
    reference = face_engine.template(frames[0].data)
    decision = face_engine.decide(CHALLENGE, frames, [reference])
    assert decision.liveness.live and decision.verify.match and decision.spoof.is_real is False
    assert decision.outcome is Outcome.NEEDS_REVIEW and decision.reason is ReasonCode.SPOOF_SUSPECTED
    strict = FaceEngine(replace(face_engine.config, antispoof_failure=Outcome.FAILED))
    assert strict.decide(CHALLENGE, frames, [reference]).outcome is Outcome.FAILED


def test_sample_indices_spread_and_skip_best():
    assert sample_indices(30, 10, 2) == [0, 29]
    assert 0 not in sample_indices(30, 0, 3) and len(sample_indices(30, 0, 3)) == 3
    assert sample_indices(1, 0, 2) == []


def test_consistency_frames_zero_checks_nothing(face_engine, live_d10, photo):
    spliced = [*live_d10[:-1], TimedFrame(photo("obama/obama.jpg"), live_d10[-1].t_ms)]
    live = LivenessResult(True, (), ReasonCode.OK, best_frame=10, key_frames=(10, len(spliced) - 1))
    off = FaceEngine(replace(face_engine.config, consistency_frames=0))
    assert off._identity_changed(embeddings_of(spliced), live, len(spliced)) is False


def test_a_stalling_device_is_asked_to_retry(face_engine, live_d10, own_reference):
    """A 3.5 s stall in the middle of the capture: not the person's fault — RETRY, not FAILED."""
    half = len(live_d10) // 2
    stalled = [TimedFrame(f.data, f.t_ms + (3500 if i >= half else 0)) for i, f in enumerate(live_d10)]
    decision = face_engine.decide(CHALLENGE, stalled, [own_reference])
    assert decision.outcome is Outcome.RETRY and decision.reason is ReasonCode.TOO_FEW_FRAMES
    assert "does not count" in decision.message


def test_a_continuous_live_capture_pays_one_descriptor(face_engine, live_d10, own_reference):
    """One face followed through the whole capture (no unbridged cut): the best frame's descriptor serves
    the verification, and neither the splice check nor the consistency check embeds another frame."""
    from face import liveness

    detail = liveness.evaluate_detail(CHALLENGE, live_d10)
    assert detail.result.live and detail.result.cuts == ()
    decision = face_engine.decide(CHALLENGE, live_d10, [own_reference])
    assert decision.outcome is Outcome.PASSED
    again = liveness.evaluate_detail(CHALLENGE, live_d10)
    assert again.embeddings is not None
    face_engine._identity_changed(again.embeddings, again.result, len(live_d10))
    assert again.embeddings.computed == ()  # nothing beyond what verification itself embeds
