"""Per-frame face measures from dlib's 68 landmarks: eye aspect ratio, inner-lip mouth ratio, head yaw.

Conventions (all angles in degrees, all images BGR or grayscale numpy arrays, ≤ 640 px long side):

- *Left/right* are the PERSON's own left and right. In an unmirrored camera image (what a phone or a
  browser camera uploads; only the on-screen preview is mirrored) the person's left side is on the
  image's right. dlib points 36–41 are the person's right eye (image left), 42–47 the person's left eye.
- *Yaw* is positive when the person turns their head to THEIR left (the nose tip moves toward the image's
  right edge), negative when they turn to their right. Two yaw measures are given:
  ``yaw_deg`` from ``cv2.solvePnP`` on points 30, 8, 36, 45, 48, 54 against a generic 3-D face (focal
  length = image width, principal point = image centre), and ``yaw_proxy``: the nose tip's sideways
  offset from the mid-point between the eye centres, in units of the inter-ocular distance. The proxy
  is steadier on the small turns seen in test clips (0.1 ≈ 15°, 0.2 ≈ 28° on the generic face).
- *Pitch* is re-centred so a frontal face reads ≈ 0 (the generic model is given in camera axes: x right,
  y down, z away from the camera), positive when the chin goes down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from face import dlib_api
from face.dlib_api import HogDetector, ShapePredictor
from face.types import Box

RIGHT_EYE = slice(36, 42)  # the person's right eye (image left)
LEFT_EYE = slice(42, 48)  # the person's left eye (image right)
INNER_LIPS = slice(60, 68)

# Generic 3-D face in camera axes (x right, y down, z away from the camera), arbitrary units; the
# classic model (nose tip at the origin) rotated 180° about x so that a frontal face has R ≈ identity.
_MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # 30 nose tip
        (0.0, 330.0, 65.0),  # 8 chin
        (-225.0, -170.0, 135.0),  # 36 outer corner of the eye on the image left
        (225.0, -170.0, 135.0),  # 45 outer corner of the eye on the image right
        (-150.0, 150.0, 125.0),  # 48 mouth corner on the image left
        (150.0, 150.0, 125.0),  # 54 mouth corner on the image right
    ],
    dtype=np.float64,
)
_PNP_INDEXES = (30, 8, 36, 45, 48, 54)


@dataclass(frozen=True, slots=True, eq=False)
class FaceMeasures:
    """What one frame's 68 landmarks say about the eyes, the mouth and the head pose."""

    box: Box
    points: np.ndarray  # (68, 2) float32, image pixels
    ear_right: float  # eye aspect ratio of the person's right eye (points 36–41)
    ear_left: float  # ... of the person's left eye (points 42–47)
    mouth: float  # inner-lip opening / inner-lip width (points 60–67)
    yaw_deg: float  # solvePnP yaw, + = the person turned to their left
    pitch_deg: float  # re-centred, + = chin down
    roll_deg: float
    yaw_proxy: float  # nose offset from the eye mid-point / inter-ocular distance, + = turned to their left
    inter_ocular: float  # distance between the eye centres, pixels

    @property
    def ear(self) -> float:
        """Mean eye aspect ratio of both eyes."""
        return (self.ear_left + self.ear_right) / 2.0


def eye_aspect_ratio(eye: np.ndarray) -> float:
    """(|p1−p5| + |p2−p4|) / (2 |p0−p3|) for the six points of one eye in dlib order."""
    p = np.asarray(eye, dtype=np.float64)
    width = math.dist(p[0], p[3])
    if width <= 1e-6:
        return 0.0
    return (math.dist(p[1], p[5]) + math.dist(p[2], p[4])) / (2.0 * width)


def mouth_ratio(points: np.ndarray) -> float:
    """Inner-lip opening: mean of the three vertical gaps (61–67, 62–66, 63–65) over the width (60–64)."""
    p = np.asarray(points, dtype=np.float64)
    width = math.dist(p[60], p[64])
    if width <= 1e-6:
        return 0.0
    gaps = math.dist(p[61], p[67]) + math.dist(p[62], p[66]) + math.dist(p[63], p[65])
    return gaps / (3.0 * width)


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person's right eye centre, person's left eye centre), i.e. (image-left, image-right)."""
    p = np.asarray(points, dtype=np.float64)
    return p[RIGHT_EYE].mean(axis=0), p[LEFT_EYE].mean(axis=0)


def yaw_proxy(points: np.ndarray) -> tuple[float, float]:
    """(nose-tip offset along the eye axis / inter-ocular distance, inter-ocular distance in pixels).

    Positive when the nose tip sits toward the image right of the eye mid-point (person turned to their left).
    """
    p = np.asarray(points, dtype=np.float64)
    right, left = eye_centres(p)
    axis = left - right
    iod = float(np.hypot(*axis))
    if iod <= 1e-6:
        return 0.0, 0.0
    mid = (left + right) / 2.0
    return float(np.dot(p[30] - mid, axis) / (iod * iod)), iod


def head_pose(points: np.ndarray, image_size: tuple[int, int]) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from solvePnP; image_size = (width, height)."""
    width, height = image_size
    image_points = np.asarray(points, dtype=np.float64)[list(_PNP_INDEXES)]
    camera = np.array([[width, 0, width / 2.0], [0, width, height / 2.0], [0, 0, 1]], dtype=np.float64)
    # Start from a frontal pose at the distance the eye-corner spacing implies: without the guess the
    # iterative solver sometimes lands on the mirrored solution (pitch ≈ ±180° or flipping by ~30°).
    span = max(math.dist(image_points[2], image_points[3]), 1.0)
    rvec0 = np.zeros((3, 1))
    tvec0 = np.array([[0.0], [0.0], [width * 450.0 / span]])
    ok, rvec, _tvec = cv2.solvePnP(
        _MODEL_POINTS, image_points, camera, np.zeros(4), rvec0, tvec0, True, cv2.SOLVEPNP_ITERATIVE
    )
    if not ok:
        return 0.0, 0.0, 0.0
    rot, _ = cv2.Rodrigues(rvec)
    # R maps model axes to camera axes; with this model a frontal face has R ≈ I.
    # Yaw: rotation about the (downward) y axis. A person turning to their left (nose toward image +x)
    # is a rotation taking model +z (into the scene) toward -x, so the sign is flipped.
    sy = math.hypot(rot[0, 0], rot[1, 0])
    yaw = -math.degrees(math.atan2(-rot[2, 0], sy))
    pitch = math.degrees(math.atan2(rot[2, 1], rot[2, 2]))
    roll = math.degrees(math.atan2(rot[1, 0], rot[0, 0]))
    return yaw, pitch, roll


def measure(points: np.ndarray, image_size: tuple[int, int], box: Box) -> FaceMeasures:
    """All per-frame measures from 68 landmark points (image pixels)."""
    p = np.asarray(points, dtype=np.float32)
    yaw, pitch, roll = head_pose(p, image_size)
    proxy, iod = yaw_proxy(p)
    return FaceMeasures(
        box=box,
        points=p,
        ear_right=eye_aspect_ratio(p[RIGHT_EYE]),
        ear_left=eye_aspect_ratio(p[LEFT_EYE]),
        mouth=mouth_ratio(p),
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
        yaw_proxy=proxy,
        inter_ocular=iod,
    )


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def detect_faces(
    gray: np.ndarray, *, detect_side: int = 320, detector: HogDetector | None = None, fallback: bool = True
) -> list[tuple[Box, float]]:
    """HOG faces as (box in `gray`'s pixels, detector score), best first.

    Runs on a copy downscaled to `detect_side` px long side (HOG at 320 px ≈ 10 ms, at 640 px ≈ 30 ms);
    if nothing is found there and the image is larger, tries once more at full size (small faces) unless
    `fallback` is False.
    """
    if detector is None:
        from face.models import frontal_face_detector

        detector = frontal_face_detector()
    h, w = gray.shape[:2]
    scales: list[float] = []
    long_side = max(h, w)
    if long_side > detect_side:
        scales.append(detect_side / long_side)
    if fallback or not scales:
        scales.append(1.0)
    for scale in scales:
        small = (
            gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        rects, scores, _ = detector.run(small, 0, 0.0)
        if len(rects):
            found: list[tuple[Box, float]] = []
            for r, s in zip(rects, scores, strict=True):
                x0, y0 = r.left() / scale, r.top() / scale
                x1, y1 = (r.right() + 1) / scale, (r.bottom() + 1) / scale
                found.append((Box(round(x0), round(y0), round(x1 - x0), round(y1 - y0)), s))
            found.sort(key=lambda bs: (bs[0].w * bs[0].h, bs[1]), reverse=True)
            return found
    return []


def landmarks(gray: np.ndarray, box: Box, *, predictor: ShapePredictor | None = None) -> np.ndarray:
    """The 68 landmark points (float32, image pixels) inside `box`."""
    if predictor is None:
        from face.models import landmarks_68

        predictor = landmarks_68()
    shape = predictor(gray, dlib_api.rectangle(box))
    return np.array([(shape.part(i).x, shape.part(i).y) for i in range(68)], dtype=np.float32)


def measure_image(image: np.ndarray) -> FaceMeasures | None:
    """Detect the largest face in one image and measure it (None when no face is found)."""
    gray = to_gray(image)
    faces = detect_faces(gray)
    if not faces:
        return None
    box = faces[0][0]
    pts = landmarks(gray, box)
    return measure(pts, (gray.shape[1], gray.shape[0]), box)
