"""Face detection through DeepFace's detector registry (dlib HOG + 5-point eyes by default; see config).

Returns every face with its box, eye points and the crop DeepFace's recogniser expects, so one detection
serves both the quality gate and the embedding (DeepFace.represent would detect a second time).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

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
        found = deepface.extract_faces(
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


def _point(value) -> Point | None:
    if value is None:
        return None
    return Point(int(value[0]), int(value[1]))


def detect_faces_fast(image: np.ndarray, *, side: int = 320) -> list[DetectedFace]:
    """dlib HOG without upsampling on a copy whose long side is `side` px, boxes mapped back to the image.

    ~6x cheaper than DeepFace's dlib backend (which upsamples x2 at full size); finds faces at least ~40 px
    wide in the copy — a face filling a selfie frame. Used for the identity-consistency frames of a
    challenge, where the face is large and only "same person or not" is asked. No eye points.
    """
    import cv2

    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    small = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA) \
        if scale < 1.0 else image
    rgb = np.ascontiguousarray(small[:, :, ::-1])
    detector = models.frontal_face_detector()  # this thread's own instance: no lock needed
    rects, scores, _ = detector.run(rgb, 0)
    faces: list[DetectedFace] = []
    for rect, score in zip(rects, scores, strict=True):
        x0 = max(0, round(rect.left() / scale))
        y0 = max(0, round(rect.top() / scale))
        x1 = min(width, round((rect.right() + 1) / scale))
        y1 = min(height, round((rect.bottom() + 1) / scale))
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        faces.append(DetectedFace(Box(x0, y0, x1 - x0, y1 - y0), float(min(max(score, 0.0), 1.0)), None, None, crop))
    faces.sort(key=lambda f: f.area, reverse=True)
    return faces
