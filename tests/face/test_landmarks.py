"""face.landmarks: eye, mouth and yaw measures from 68 points (synthetic geometry and real photos)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from face import landmarks as lm


def _face(nose_dx: float = 0.0, mouth_open: float = 0.0, eye_open: float = 1.0) -> np.ndarray:
    """68 points of a schematic frontal face (image pixels), eye centres 100 px apart."""
    p = np.zeros((68, 2), dtype=np.float32)
    p[0:17] = [(60 + i * 10, 150 + abs(i - 8) * -3) for i in range(17)]  # jaw
    p[17:27] = [(80 + i * 10, 70) for i in range(10)]  # brows
    p[27:31] = [(150, 90 + i * 12) for i in range(4)]  # nose bridge to tip (30)
    p[30] = (150 + nose_dx, 126)
    p[31:36] = [(135 + i * 7, 135) for i in range(5)]
    for base, cx in ((36, 100.0), (42, 200.0)):  # eyes: corners 40 px apart, lids 12 px apart when open
        h = 6 * eye_open
        p[base : base + 6] = [
            (cx - 20, 100),
            (cx - 7, 100 - h),
            (cx + 7, 100 - h),
            (cx + 20, 100),
            (cx + 7, 100 + h),
            (cx - 7, 100 + h),
        ]
    p[48:60] = [(150 - 30 * np.cos(np.pi * i / 6), 170 - 12 * np.sin(np.pi * i / 6)) for i in range(12)]
    gap = 30 * mouth_open
    p[60:68] = [
        (125, 170),
        (140, 170 - gap / 2),
        (150, 170 - gap / 2),
        (160, 170 - gap / 2),
        (175, 170),
        (160, 170 + gap / 2),
        (150, 170 + gap / 2),
        (140, 170 + gap / 2),
    ]
    return p


def test_eye_aspect_ratio_of_known_geometry():
    assert lm.eye_aspect_ratio(_face()[36:42]) == pytest.approx(12 / 40)
    assert lm.eye_aspect_ratio(_face(eye_open=0.2)[42:48]) == pytest.approx(2.4 / 40, rel=1e-4)
    assert lm.eye_aspect_ratio(np.zeros((6, 2))) == 0.0  # degenerate: no division by zero


def test_inner_lip_ratio_closed_and_open():
    assert lm.mouth_ratio(_face()) == pytest.approx(0.0)
    assert lm.mouth_ratio(_face(mouth_open=1.0)) == pytest.approx(30 / 50)


def test_yaw_proxy_sign_is_the_persons_left():
    assert lm.yaw_proxy(_face())[0] == pytest.approx(0.0, abs=1e-6)
    proxy, iod = lm.yaw_proxy(_face(nose_dx=15))  # nose toward the image right = the person turned left
    assert iod == pytest.approx(100.0)
    assert proxy == pytest.approx(0.15)
    assert lm.yaw_proxy(_face(nose_dx=-15))[0] == pytest.approx(-0.15)


def test_head_pose_yaw_follows_the_nose():
    yaw, pitch, roll = lm.head_pose(_face(), (300, 300))
    assert abs(yaw) < 5 and abs(roll) < 5 and abs(pitch) < 90  # pitch re-centred, not ±180°
    yaw_l, _, _ = lm.head_pose(_face(nose_dx=20), (300, 300))
    yaw_r, _, _ = lm.head_pose(_face(nose_dx=-20), (300, 300))
    assert yaw_l > yaw + 5 and yaw_r < yaw - 5


@pytest.mark.face
def test_real_photo_measures_and_mirror_flips_yaw(faces_dir):
    img = cv2.imread(str(faces_dir / "identities/obama/obama.jpg"))
    img = cv2.resize(img, None, fx=640 / max(img.shape[:2]), fy=640 / max(img.shape[:2]))
    m = lm.measure_image(img)
    assert m is not None
    assert 0.15 <= m.ear <= 0.45 and m.mouth < 0.3  # smiling, teeth showing
    assert abs(m.pitch_deg) < 30  # re-centred
    flipped = lm.measure_image(cv2.flip(img, 1))
    assert flipped is not None
    assert np.sign(flipped.yaw_proxy) == -np.sign(m.yaw_proxy)
    assert flipped.yaw_proxy == pytest.approx(-m.yaw_proxy, abs=0.03)


@pytest.mark.face
def test_no_face_gives_none(faces_dir):
    img = cv2.imread(str(faces_dir / "not_live/s25.jpg"))  # a dog
    assert lm.measure_image(cv2.resize(img, (480, 360))) is None
