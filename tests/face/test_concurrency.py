"""One engine shared by several threads gives the same answers as serial calls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.face

PROBES = [
    "obama/obama2.jpg",
    "biden/biden2.jpg",
    "obama/obama4.jpg",
    "rose_leslie/rose1.jpg",
    "scenes/two_people.jpg",
    "obama/obama_partial_face.jpg",
]


def test_parallel_verify_and_check_equal_serial(face_engine, photo):
    reference = face_engine.template(photo("obama/obama.jpg"))

    def work(name: str):
        data = photo(name)
        check = face_engine.check(data)
        try:
            verified = face_engine.verify([reference], data)
        except ValueError as exc:  # FaceInputError for the two-person scene
            verified = type(exc).__name__
        return check, verified

    serial = [work(n) for n in PROBES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(work, PROBES * 2))
    assert parallel == serial * 2


def test_parallel_decisions_equal_serial(face_engine, faces_dir):
    """Concurrent decide() calls share the engine (liveness HOG detector per thread, locked DeepFace
    models)."""
    from face.types import Action
    from tests.face.test_decide import clip

    frames = clip(faces_dir / "videos/d10.mp4", 60, 240, 6)
    reference = face_engine.template(frames[0].data)
    challenge = [Action.OPEN_MOUTH, Action.BLINK]

    def decide(_):
        d = face_engine.decide(challenge, frames, [reference])
        return d.outcome, d.reason, d.verify, d.spoof, d.best_frame

    serial = decide(0)
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(decide, range(3)))
    assert parallel == [serial] * 3
