"""Face detection through DeepFace's detector registry (dlib HOG + 5-point eyes by default; see config).

Returns every face with its box, eye points and the crop DeepFace's recogniser expects, so one detection
serves both the quality gate and the embedding (DeepFace.represent would detect a second time).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from face import models
from face.types import Box, Point

# dlib's detector and shape predictor objects are shared by every thread of the process and nobody
# documents them as re-entrant: one detection at a time (see tests/face/test_concurrency.py).
_detect_lock = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class DetectedFace:
    box: Box
    confidence: float
    left_eye: Point | None
    right_eye: Point | None
    crop: np.ndarray  # BGR uint8, as DeepFace's extract_faces cuts it (aligned when config.align)

    @property
    def area(self) -> int:
        return self.box.w * self.box.h


def detect_faces(image: np.ndarray, *, detector: str, align: bool) -> list[DetectedFace]:
    """All faces in a BGR uint8 image, largest first. An image with no face gives []."""
    deepface = models.deepface_module()
    models.build_deepface_model("face_detector", detector)
    with _detect_lock:
        found: list[dict[str, Any]] = deepface.extract_faces(
            image,
            detector_backend=detector,
            enforce_detection=False,
            align=align,
            color_face="bgr",
            normalize_face=False,
        )
    _height, width = image.shape[:2]
    faces: list[DetectedFace] = []
    for item in found:
        area = item["facial_area"]
        # With enforce_detection=False DeepFace answers "no face" with the whole image at confidence 0.
        if item["confidence"] <= 0 and area["x"] == 0 and area["y"] == 0 and area["w"] >= width - 2:
            continue
        crop = np.ascontiguousarray(item["face"]).astype(np.uint8, copy=False)
        if crop.size == 0:
            continue
        faces.append(
            DetectedFace(
                box=Box(int(area["x"]), int(area["y"]), int(area["w"]), int(area["h"])),
                confidence=float(item["confidence"]),
                left_eye=_point(area.get("left_eye")),
                right_eye=_point(area.get("right_eye")),
                crop=crop,
            )
        )
    faces.sort(key=lambda f: f.area, reverse=True)
    return faces


def _point(value: Sequence[float] | None) -> Point | None:
    if value is None:
        return None
    return Point(int(value[0]), int(value[1]))
