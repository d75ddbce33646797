"""Passive presentation-attack detection: DeepFace's Fasnet (two MiniFASNet models, PyTorch engine).

One more signal, switchable in FaceConfig. When it is switched off, torch is missing or the two .pth files
are not in the configured folder, the result says the check was NOT run (SpoofResult.ran False, with the
reason) instead of pretending the face is real.
"""

from __future__ import annotations

import threading
import warnings
from typing import Protocol

import numpy as np

from face import models
from face.config import FaceConfig
from face.types import Box, SpoofResult

_spoof_lock = threading.Lock()
# DeepFace's Fasnet calls softmax without dim= (deprecated in torch): a process-wide filter, because
# warnings.catch_warnings is not thread-safe.
warnings.filterwarnings("ignore", message="Implicit dimension choice for softmax", category=UserWarning)


class _Fasnet(Protocol):
    """What we call of DeepFace's (untyped) Fasnet model."""

    def analyze(self, img: np.ndarray, facial_area: tuple[int, int, int, int]) -> tuple[bool, float]:
        """(whether the face is real, the winning label's probability)."""
        ...


def unavailable_reason(config: FaceConfig) -> str | None:
    """Why the check cannot run under this configuration, or None when it can."""
    if not config.antispoof_enabled:
        return "anti-spoofing is switched off in the configuration"
    if not models.torch_installed():
        return "anti-spoofing not run: torch is not installed"
    missing = models.missing_antispoof_weights(config.antispoof_dir)
    if missing:
        return f"anti-spoofing not run: weights missing from {config.antispoof_dir}: {', '.join(missing)}"
    if models.engine() != "pytorch":
        return (
            f"anti-spoofing not run: DeepFace engine is {models.engine()}, the offline weights need pytorch"
        )
    return None


def load(config: FaceConfig) -> bool:
    """Build the Fasnet model once; False when it cannot run."""
    if unavailable_reason(config) is not None:
        return False
    models.deepface_module()
    models.link_weights(config.antispoof_dir)
    import torch

    if config.torch_threads > 0 and torch.get_num_threads() != config.torch_threads:
        torch.set_num_threads(config.torch_threads)
    models.build_deepface_model("spoofing", "Fasnet")
    return True


def check(image: np.ndarray, box: Box, config: FaceConfig) -> SpoofResult:
    reason = unavailable_reason(config)
    if reason is not None:
        return SpoofResult(ran=False, note=reason)
    load(config)
    model: _Fasnet = models.build_deepface_model("spoofing", "Fasnet")
    with _spoof_lock:
        is_real, raw_score = model.analyze(img=image, facial_area=(box.x, box.y, box.w, box.h))
    score = float(raw_score)  # a numpy float from the model
    # DeepFace's score is the probability of the winning label (real, or one of two attack classes),
    # averaged over the two models; "real" must also reach the configured confidence.
    real = bool(is_real) and score >= config.antispoof_min_real
    return SpoofResult(
        ran=True, is_real=real, score=round(score, 4), note="MiniFASNet V2 + V1SE (scales 2.7 and 4.0, 80x80)"
    )
