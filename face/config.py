"""Face engine settings as data: thresholds, limits and switches, each with where its value comes from.

Measured on ../shared/faces with `python -m bench.face_evaluation` (docs/face-evaluation.md) and the
exploration recorded there; images are first downscaled to ≤ 640 px long side, so every pixel figure below
is in that work size. Change values here (or pass a FaceConfig) — never inline in the pipeline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from face import models
from face.types import Outcome


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class FaceConfig:
    # --- intake -------------------------------------------------------------------------------------
    max_bytes: int = 8 * 1024 * 1024  # a phone JPEG at 12 MP is 3-5 MB
    max_pixels: int = 40_000_000  # decompression-bomb limit (≈ 8000x5000), checked before decoding
    max_side: int = 640  # work size: detectors and DeepFace padding cost grow with the square of the side
    min_side: int = 64  # smaller than this cannot hold a usable face

    # --- detection and recognition -----------------------------------------------------------------
    model: str = "Dlib"  # the only DeepFace recogniser whose weights exist offline
    # The detector finds the box (quality gate, enrolment); the embedding is dlib's ResNet descriptor of the
    # chip dlib aligns on the 68 landmarks of that box (face.verify.EMBEDDING_PATH). On all 210 identity
    # pairs: genuine ≤ 0.519, impostor ≥ 0.700 (the unaligned DeepFace crop gave 0.570 vs 0.632), and a
    # challenge's frames reuse the liveness stage's landmarks (no second detection). detector "dlib" (HOG
    # ×2 upsampling) found every identity face; opencv missed 2 of 21.
    detector: str = "dlib"
    align: bool = False  # DeepFace's crop alignment (the embedding aligns on its own landmarks)
    metric: str = "euclidean"  # dlib's native metric
    # Operating point "zero false accepts" (docs/face-evaluation.md): on every impostor pair of
    # ../shared/faces/identities the closest is 0.690, the farthest genuine pair 0.523; on whole decisions
    # (§6) a challenge of the child in d11 came 0.597 from the man of d12's reference. 0.55 keeps that
    # impostor out of the accepted range (0.597 falls in the review band, never accepted) and 0.027 above
    # the farthest genuine pair; live clips against their own reference measured ≤ 0.45.
    threshold: float = 0.55
    # Distances in (threshold, threshold + review_band] are neither accepted nor rejected: NEEDS_REVIEW.
    review_band: float = 0.05
    # Identity consistency within one challenge (the best frame against other frames, same descriptor as
    # the liveness splice check): one face within a capture stays ≤ 0.36 apart, different people in the
    # shared clips come as close as 0.44 — so the within-capture limit is liveness's 0.42.
    same_person_threshold: float = 0.42
    # Frames besides the best one compared for the same identity. Frames the liveness splice check already
    # embedded count (free); otherwise the last key frame is embedded (~60 ms of CPU each).
    consistency_frames: int = 1

    # --- quality gate (measured on identities/, scenes/, not_live/, pad/ at ≤ 640 px) ----------------
    # Face widths of the identity photos: 62 px (obama-240p, kit1) .. 223 px; 480p/720p/1080p give 89 px.
    min_face_px: int = 72
    # Identity faces sit ≥ 26 px from the border; the partial-face photos touch it (0 and 1 px).
    edge_margin_px: int = 3
    # Mean face luminance (0-255) of genuine photos: 103..152. Darkened copies (x0.35) fall to 36..53.
    min_face_luminance: float = 60.0
    # Backlit: face much darker than the rest of the picture. Genuine photos: face/background ≥ 0.85 where
    # the background is brighter; a backlit copy (face x0.45, background brightened) gives < 0.45.
    backlit_ratio: float = 0.55
    backlit_min_difference: float = 50.0
    # Laplacian variance on the face resized to 128x128: genuine 61..2184; Gaussian blur sigma 3 gives < 15;
    # the printed photo not_live/s11 gives 24.
    min_sharpness: float = 30.0
    # Haar eye cascades on the upper face: ≥ 1 eye found on every identity photo; 0 on the statue s6 and on
    # copies with the eye band blacked out (sunglasses).
    require_eyes: bool = True

    # --- anti-spoofing (MiniFASNet, PyTorch engine) -------------------------------------------------
    antispoof_enabled: bool = field(default_factory=lambda: _env_flag("LIFECERT_ANTISPOOF", True))
    antispoof_dir: Path | None = field(default_factory=models.antispoof_dir)
    # Probability of "real" below which the capture is treated as a presentation attack. DeepFace labels
    # argmax; we require a clear margin (genuine samples score ≥ 0.99 real, pad/spoof F1 scores ~0.01).
    antispoof_min_real: float = 0.5
    # What a "not real" verdict does to a certification. MiniFASNet judged every sampled frame of the live
    # clip videos/d18.mp4 fake (15/15, scores 0.50-0.84) while pad/spoof F1 scores 0.59: one camera's
    # genuine frames look like an attack to it, so a spoof verdict alone sends the case to an officer
    # (never accepted, never auto-rejected). Set Outcome.FAILED to reject outright.
    antispoof_failure: Outcome = Outcome.NEEDS_REVIEW
    # MiniFASNet runs two 80x80 crops: more torch threads only add contention on a 2-core worker.
    torch_threads: int = 1

    @property
    def review_limit(self) -> float:
        return self.threshold + self.review_band
