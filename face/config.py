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
class LivenessConfig:
    """Active liveness (face.liveness): timing, neutral start, action and continuity thresholds."""

    # timing
    min_frames: int = 6
    max_frames: int = 2000
    min_duration_ms: int = 1500
    max_duration_ms: int = 60_000
    max_gap_ms: int = 3000
    # Measured spacing of the pictures (median of the capture times the device sent): closer than
    # `min_median_interval_ms` is no camera (IMPLAUSIBLE_TIMING); farther than `max_median_interval_ms`
    # (under 2.5 pictures a second) cannot show a 100–300 ms blink: another try, not counted.
    min_median_interval_ms: int = 25
    max_median_interval_ms: int = 400
    # An action not seen while the pictures with a face left a hole longer than this (dropped pictures,
    # a burst then a stall, blurred frames where no face was found) → TOO_FEW_FRAMES (try again).
    max_hole_ms: int = 700
    # A blink or a head turn not seen on pictures usually (75th percentile of the spacing) more than this
    # far apart → TOO_FEW_FRAMES: the clips' blinks last 80–150 ms and their quick turns peak for about as
    # long, so at 5–6 pictures a second, or in bursts with 300 ms waits, one can fall between two pictures
    # (the slow camera's fault, not the person's). A mouth opening lasts long enough to be seen.
    blink_max_interval_ms: int = 150
    # face presence and tracking
    detect_face_px: int = 100  # detect on a copy where the face (as first found) is about this wide
    detect_side: int = 320
    max_missing_fraction: float = 0.2
    # Between detections (one at least every `full_detect_ms`, so a second face coming into the picture
    # is seen) the face is tracked by its landmarks; a fit more than `track_tolerance` box widths from its
    # box is refitted once, then detected (liveness.analyse_frames).
    full_detect_ms: int = 1000
    track_tolerance: float = 0.05
    # ...and a tracked fit whose face chip correlates less than this with the previous frame's is detected
    # again (a fit that slipped off a fast-moving face)
    track_min_correlation: float = 0.8
    # ...and a face that moved more than this many box widths since the previous picture is detected (the
    # calibrations above were made on the detector's boxes; fast movements are where a tracked box and a
    # detected one give different landmarks)
    track_max_motion: float = 0.1
    # neutral start
    # The neutral pair may come in the first 2.5 s: a capture can start while the person is still talking
    # (d10 at 5 frames/s had one closed-mouth frame in its first 1.5 s). Later frames never move the
    # baseline: it is taken within `baseline_ms` of the first neutral frame, and actions count after it.
    neutral_window_ms: int = 2500
    neutral_min_frames: int = 2
    baseline_frames: int = 5
    baseline_ms: int = 500
    open_eye_min: float = 0.17
    mouth_closed_max: float = 0.25
    frontal_proxy_max: float = 0.25
    frontal_yaw_max_deg: float = 35.0
    # actions
    blink_ratio: float = 0.7
    blink_dip_ratio: float = 0.7
    blink_recover_ratio: float = 0.8
    blink_window_ms: int = 1000
    mouth_open_min: float = 0.45
    mouth_open_delta: float = 0.25
    turn_proxy_delta: float = 0.10
    turn_yaw_delta_deg: float = 5.0
    # ...or a clear solvePnP turn with a slightly smaller nose offset (at 8 frames/s a quick turn's peak
    # can fall between pictures: d12 gave 0.089 with 29° of yaw). A flat photo turned or tilted keeps the
    # nose offset near 0 (jittered stills ≤ 0.03), and the rigid-motion check below still applies.
    turn_proxy_delta_wide: float = 0.08
    turn_yaw_wide_deg: float = 20.0
    strict_order: bool = True
    # still picture
    # mean |Δ| (grey levels, 32×32 face crops) below which two frames are the same
    repeat_max_diff: float = 0.1
    still_run_ms: int = 1000
    # an action's region (eyes / mouth / whole face) must change this much beyond a rigid motion of the
    # neutral frame; a jittered still reaches ≤0.13 on the mouth and face, ≤0.30 on the eyes (a cartoon)
    blink_min_change: float = 0.12
    mouth_min_change: float = 0.2
    turn_min_change: float = 0.2
    # identity continuity
    min_chip_correlation: float = 0.1
    max_jump: float = 1.5  # face centre move between consecutive frames, in inter-ocular distances
    max_scale_change: float = 1.5
    # dlib ResNet descriptors (≈60 ms of CPU per frame, shared with the engine) compare the best frame with
    # each action's peak frame: "auto" only when a suspicious transition (chip correlation <
    # suspicious_correlation, or a jump of more than suspicious_jump) lies between them, "always", or
    # "never" (leave it to the engine).
    descriptor_check: str = "auto"
    suspicious_correlation: float = 0.7
    suspicious_jump: float = 0.5
    # ...unless the cut is bridged: some frame within `bridge_window_ms` after it correlates ≥
    # `bridge_correlation` with one within `bridge_window_ms` before it (live clips ≥ 0.83 at 5–10
    # frames/s, the 18 two-people splices ≤ 0.76: liveness.unbridged_cuts).
    bridge_correlation: float = 0.85
    bridge_window_ms: int = 1500
    # Within one capture the same face stays ≤ 0.36 apart (measured on every clip, mouth open included)
    # while different people in the shared clips come as close as 0.44 (dlib's cross-session 0.6 would let
    # a splice of two similar-looking people through).
    descriptor_max_distance: float = 0.42
    # motion continuity (face.continuity.roughness): per coordinate of the face (position, size, yaw, pitch,
    # roll, eyes, mouth) the mean step between consecutive face frames over the mean distance between any
    # two frames, the smoothest coordinate counting. Above this → IMPLAUSIBLE_MOTION (frames shuffled).
    # Measured (bench/motion_continuity.py) on 216 live sequences — every live window at its own rate, the
    # API rate and all 14 capture conditions, 5 fps and ±40 % jitter included: ≤ 0.713 (d13 at 5 fps);
    # 120 shuffles of the same windows: median 0.86, 96 above 0.80 (docs/face-evaluation.md section 5).
    max_motion_roughness: float = 0.80
    # ...checked only on sequences with at least this many face frames (fewer: too noisy to judge)
    motion_min_frames: int = 8


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
    # Identity consistency within one challenge (the best frame against other frames) uses the liveness
    # splice check's limit, `liveness.descriptor_max_distance` (one value: see `same_person_threshold`).
    # Frames besides the best one compared for the same identity. Frames the liveness splice check already
    # embedded count (free); otherwise the last key frame is embedded (~60 ms of CPU each).
    consistency_frames: int = 1
    # ...but only when the liveness stage found an unbridged cut (LivenessResult.cuts): a capture where one
    # face is followed without a break (every transition smooth or bridged) is one person throughout, so
    # the extra descriptor (~60 ms) buys nothing there. False: always embed `consistency_frames` frames.
    consistency_across_cuts_only: bool = True

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

    # --- active liveness ------------------------------------------------------------------------------
    liveness: LivenessConfig = field(default_factory=LivenessConfig)

    @property
    def same_person_threshold(self) -> float:
        """Identity consistency within one capture: one face stays ≤ 0.36 apart, different people in the
        shared clips come as close as 0.44 — the liveness splice check's limit serves both."""
        return self.liveness.descriptor_max_distance

    @property
    def review_limit(self) -> float:
        return self.threshold + self.review_band
