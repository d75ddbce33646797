"""The quality gate: is this picture good enough to certify or enrol? First failing check wins, with a
reason code and a plain message the app shows as is. Thresholds live in face/config.py."""

from __future__ import annotations

from functools import lru_cache
from typing import TypedDict, Unpack

import cv2
import cv2.data
import numpy as np

from face.config import FaceConfig
from face.detect import DetectedFace
from face.types import Box, QualityReport, ReasonCode

MESSAGES: dict[ReasonCode, str] = {
    ReasonCode.OK: "The picture is good.",
    ReasonCode.NO_FACE: "No face was found. Look straight at the camera, with your whole face in the frame.",
    ReasonCode.MULTIPLE_FACES: "Someone else is in the picture. Only the person being certified should be "
    "in front of the camera.",
    ReasonCode.FACE_TOO_SMALL: "Your face is too small in the picture. Move closer to the camera.",
    ReasonCode.FACE_CUT_OFF: "Part of your face is outside the picture. Move so your whole face is in the "
    "frame.",
    ReasonCode.TOO_DARK: "The picture is too dark. Turn on a light or move somewhere brighter.",
    ReasonCode.BACKLIT: "The light is behind you, so your face is too dark. Face the window or the lamp.",
    ReasonCode.BLURRED: "The picture is blurred. Hold the phone still and wipe the camera lens.",
    ReasonCode.EYES_NOT_VISIBLE: "Your eyes are not visible. Remove sunglasses or anything covering your "
    "eyes, and keep them open.",
}


class _Measures(TypedDict, total=False):
    """The QualityReport measures of a face (none when there is no single face to measure)."""

    face_px: int
    luminance: float
    background_ratio: float
    sharpness: float


@lru_cache(maxsize=1)
def _eye_cascades() -> tuple[cv2.CascadeClassifier, ...]:
    # Shipped inside opencv-contrib-python-headless<5 (cv2/data); no download.
    names = ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml")
    cascades = tuple(cv2.CascadeClassifier(cv2.data.haarcascades + name) for name in names)
    if any(c.empty() for c in cascades):
        raise RuntimeError("OpenCV's Haar eye cascades are missing (opencv>=5 wheels do not ship them)")
    return cascades


def face_measures(image: np.ndarray, box: Box) -> tuple[float, float, float]:
    """(mean face luminance, face/background luminance ratio, Laplacian variance of the face at 128x128)."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    x, y, w, h = box.x, box.y, max(1, box.w), max(1, box.h)
    face = gray[y : y + h, x : x + w]
    luminance = float(face.mean()) if face.size else 0.0
    mask = np.ones(gray.shape, dtype=bool)
    mask[y : y + h, x : x + w] = False
    background = float(gray[mask].mean()) if mask.any() else luminance
    ratio = luminance / background if background > 0 else 1.0
    sharp = cv2.resize(face, (128, 128), interpolation=cv2.INTER_AREA) if face.size else face
    sharpness = float(cv2.Laplacian(sharp, cv2.CV_64F).var()) if face.size else 0.0
    return luminance, ratio, sharpness


def count_eyes(image: np.ndarray, box: Box) -> int:
    """Eyes the Haar cascades find in the upper 60 % of the face (the most found by either cascade)."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    face = gray[box.y : box.y + box.h, box.x : box.x + box.w]
    if face.size == 0:
        return 0
    upper = cv2.resize(face, (160, 160))[:96]
    return max(len(c.detectMultiScale(upper, 1.1, 3, minSize=(16, 16))) for c in _eye_cascades())


def assess(image: np.ndarray, faces: list[DetectedFace], config: FaceConfig) -> QualityReport:
    """The gate, in the order a person can fix things: who is in the frame, where, light, focus, eyes."""
    if not faces:
        return _report(ReasonCode.NO_FACE, 0)
    if len(faces) > 1:
        return _report(ReasonCode.MULTIPLE_FACES, len(faces), faces[0].box)
    box = faces[0].box
    height, width = image.shape[:2]
    edge = min(box.x, box.y, width - (box.x + box.w), height - (box.y + box.h))
    luminance, ratio, sharpness = face_measures(image, box)
    measures: _Measures = {
        "face_px": box.w,
        "luminance": round(luminance, 1),
        "background_ratio": round(ratio, 3),
        "sharpness": round(sharpness, 1),
    }
    if edge < config.edge_margin_px:
        return _report(ReasonCode.FACE_CUT_OFF, 1, box, **measures)
    if box.w < config.min_face_px:
        return _report(ReasonCode.FACE_TOO_SMALL, 1, box, **measures)
    background = luminance / ratio if ratio > 0 else luminance
    if ratio < config.backlit_ratio and background - luminance >= config.backlit_min_difference:
        return _report(ReasonCode.BACKLIT, 1, box, **measures)
    if luminance < config.min_face_luminance:
        return _report(ReasonCode.TOO_DARK, 1, box, **measures)
    if sharpness < config.min_sharpness:
        return _report(ReasonCode.BLURRED, 1, box, **measures)
    eyes = count_eyes(image, box)
    if config.require_eyes and eyes == 0:
        return _report(ReasonCode.EYES_NOT_VISIBLE, 1, box, eyes_found=0, **measures)
    return _report(ReasonCode.OK, 1, box, eyes_found=eyes, **measures)


def _report(
    reason: ReasonCode,
    faces: int,
    box: Box | None = None,
    eyes_found: int | None = None,
    **measures: Unpack[_Measures],
) -> QualityReport:
    return QualityReport(
        ok=reason is ReasonCode.OK,
        reason=reason,
        message=MESSAGES[reason],
        faces=faces,
        box=box,
        eyes_found=eyes_found,
        **measures,
    )
