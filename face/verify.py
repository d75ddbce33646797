"""Face embeddings (dlib ResNet, DeepFace's "Dlib" model, on dlib's aligned chip) and the comparison of a
probe with a person's references.

How several references combine: a person may have an ID-card photo, an on-site enrolment and templates
refreshed from passed certifications. Only templates made by the configured recogniser (`Template.model`)
and the current embedding path (`Template.detector` == EMBEDDING_PATH) are comparable — a template of
another model or path lives in another vector space and is ignored (if none is
left the decision is NO_REFERENCE, never a guess). The probe's distance is the MINIMUM over the remaining
references: the nearest reference is the most recent look of the person. The threshold was measured per
pair at zero false accepts; a minimum over k references gives an impostor k chances, so callers keep few
references (the API keeps the latest ones) and the review band catches near misses.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from face import dlib_api, models
from face.config import FaceConfig
from face.detect import DetectedFace
from face.dlib_api import Shape
from face.types import Template, VerifyResult

# What made a template (Template.detector): the face box from the DeepFace/HOG detector, dlib's 68 landmarks
# on it, dlib's aligned 150x150 chip and the ResNet descriptor. Templates made the old way ("dlib": DeepFace
# `represent` on the unaligned detector crop) live in a slightly different space and are not compared
# (usable_references skips them; the person re-enrols or an officer reviews).
EMBEDDING_PATH = "dlib-68chip"


def embed_shape(image: np.ndarray, shape: Shape, config: FaceConfig) -> Template:
    """The 128-d Dlib descriptor of the face whose 68-point dlib shape is `shape` in the BGR `image`.

    The challenge's frames already have their 68 points from the liveness stage, so a certification embeds
    its best frame (and any frame the identity checks compare) without detecting again."""
    vector = descriptor(image, shape)
    return Template(vector=tuple(float(v) for v in vector), model=config.model, detector=EMBEDDING_PATH)


def descriptor(image: np.ndarray, shape: Shape) -> np.ndarray:
    """dlib's 128-d descriptor of the face with 68-point `shape` in a BGR image (~60 ms of CPU)."""
    rgb = np.ascontiguousarray(image[:, :, ::-1]) if image.ndim == 3 else image
    return np.asarray(models.face_recogniser().compute_face_descriptor(rgb, shape), dtype=np.float64)


def embed(image: np.ndarray, face: DetectedFace, config: FaceConfig) -> Template:
    """The embedding of a detected face: 68 landmarks on its box, then `embed_shape`."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    shape = models.landmarks_68()(gray, dlib_api.rectangle(face.box))
    return embed_shape(image, shape, config)


def distance(a: Template, b: Template, metric: str = "euclidean") -> float:
    va = np.asarray(a.vector, dtype=np.float64)
    vb = np.asarray(b.vector, dtype=np.float64)
    if metric == "euclidean":
        return float(np.linalg.norm(va - vb))
    if metric == "cosine":
        return float(1.0 - va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
    raise ValueError(f"unknown metric {metric!r}")


def usable_references(references: Sequence[Template], config: FaceConfig) -> list[Template]:
    return [
        r
        for r in references
        if r.model == config.model and r.detector == EMBEDDING_PATH and len(r.vector) > 0
    ]


def compare(references: Sequence[Template], probe: Template, config: FaceConfig) -> VerifyResult | None:
    """Minimum distance over comparable references; None when no reference is comparable."""
    usable = usable_references(references, config)
    if not usable:
        return None
    best = min(distance(r, probe, config.metric) for r in usable)
    match = best <= config.threshold
    borderline = (not match) and best <= config.review_limit
    return VerifyResult(
        match=match, distance=round(best, 4), threshold=config.threshold, borderline=borderline
    )
