"""dlib, typed: the few dlib objects face/ calls, described as Protocols, and the functions that make them.

dlib ships neither stubs nor a py.typed marker, so everything it returns is untyped; these Protocols are
what the rest of face/ sees instead (HOG detector, shape predictors, the ResNet recogniser, rectangles and
landmark shapes). dlib is imported lazily, here only: importing face/ loads no native library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from face.types import Box


class Rectangle(Protocol):
    """dlib.rectangle: inclusive pixel bounds."""

    def left(self) -> int: ...
    def top(self) -> int: ...
    def right(self) -> int: ...
    def bottom(self) -> int: ...


class ShapePoint(Protocol):
    """dlib.point: one landmark in image pixels."""

    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...


class Shape(Protocol):
    """dlib.full_object_detection: the landmark points a shape predictor found in one face box."""

    @property
    def num_parts(self) -> int: ...
    def part(self, idx: int, /) -> ShapePoint: ...


class HogDetector(Protocol):
    """dlib.fhog_object_detector (get_frontal_face_detector)."""

    def run(
        self, image: np.ndarray, upsample_num_times: int, adjust_threshold: float, /
    ) -> tuple[Sequence[Rectangle], Sequence[float], Sequence[int]]:
        """(face rectangles, detection scores, sub-detector indexes)."""
        ...


class ShapePredictor(Protocol):
    """dlib.shape_predictor: landmark points of the face inside a rectangle of a grayscale or RGB image."""

    @property
    def num_parts(self) -> int: ...
    def __call__(self, image: np.ndarray, box: Rectangle, /) -> Shape: ...


class FaceDescriptorModel(Protocol):
    """dlib.face_recognition_model_v1: the 128-d descriptor of the face with landmark `shape` (RGB image)."""

    def compute_face_descriptor(self, image: np.ndarray, shape: Shape, /) -> Sequence[float]: ...


def rectangle(box: Box) -> Rectangle:
    """The dlib rectangle covering `box` (dlib's right and bottom are inclusive)."""
    import dlib

    rect: Rectangle = dlib.rectangle(int(box.x), int(box.y), int(box.x + box.w - 1), int(box.y + box.h - 1))
    return rect


def hog_detector() -> HogDetector:
    """A new HOG frontal-face detector (built in, no weights file). Not re-entrant: one per thread."""
    import dlib

    detector: HogDetector = dlib.get_frontal_face_detector()
    return detector


def shape_predictor(path: Path) -> ShapePredictor:
    import dlib

    predictor: ShapePredictor = dlib.shape_predictor(str(path))
    return predictor


def face_recognition_model(path: Path) -> FaceDescriptorModel:
    import dlib

    model: FaceDescriptorModel = dlib.face_recognition_model_v1(str(path))
    return model
