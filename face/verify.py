"""Face embeddings (DeepFace, model Dlib) and the comparison of a probe with a person's references.

How several references combine: a person may have an ID-card photo, an on-site enrolment and templates
refreshed from passed certifications. Only templates made by the configured recogniser (`Template.model`)
are comparable — a template of another model lives in another vector space and is ignored (if none is
left the decision is NO_REFERENCE, never a guess). The probe's distance is the MINIMUM over the remaining
references: the nearest reference is the most recent look of the person. The threshold was measured per
pair at zero false accepts; a minimum over k references gives an impostor k chances, so callers keep few
references (the API keeps the latest ones) and the review band catches near misses.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from face import models
from face.config import FaceConfig
from face.detect import DetectedFace
from face.types import Template, VerifyResult

_embed_lock = threading.Lock()


def embed(face: DetectedFace, config: FaceConfig) -> Template:
    """The 128-d Dlib embedding of a detected face crop (DeepFace.represent, detector already applied)."""
    deepface = models.deepface_module()
    models.build_deepface_model("facial_recognition", config.model)
    with _embed_lock:
        result = deepface.represent(face.crop, model_name=config.model, detector_backend="skip")
    vector = tuple(float(v) for v in result[0]["embedding"])
    return Template(vector=vector, model=config.model, detector=config.detector)


def distance(a: Template, b: Template, metric: str = "euclidean") -> float:
    va = np.asarray(a.vector, dtype=np.float64)
    vb = np.asarray(b.vector, dtype=np.float64)
    if metric == "euclidean":
        return float(np.linalg.norm(va - vb))
    if metric == "cosine":
        return float(1.0 - va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
    raise ValueError(f"unknown metric {metric!r}")


def usable_references(references: Sequence[Template], config: FaceConfig) -> list[Template]:
    return [r for r in references if r.model == config.model and len(r.vector) > 0]


def compare(references: Sequence[Template], probe: Template, config: FaceConfig) -> VerifyResult | None:
    """Minimum distance over comparable references; None when no reference is comparable."""
    usable = usable_references(references, config)
    if not usable:
        return None
    best = min(distance(r, probe, config.metric) for r in usable)
    match = best <= config.threshold
    borderline = (not match) and best <= config.review_limit
    return VerifyResult(match=match, distance=round(best, 4), threshold=config.threshold, borderline=borderline)
