"""Active liveness: did a live person perform the challenge's actions, in order, in this frame sequence?

`evaluate(actions, frames)` takes encoded frames with capture times (what the API receives);
`evaluate_arrays(actions, images, times_ms)` takes decoded BGR frames. The decision, in this order:

1. **Timing** — at least `min_frames` frames (TOO_FEW_FRAMES); capture times strictly increasing, the
   whole sequence between `min_duration_ms` and `max_duration_ms`, no gap over `max_gap_ms`
   (IMPLAUSIBLE_TIMING).
2. **A face in the frames** — dlib's HOG detector on every frame, on a copy scaled so the face is about
   `detect_face_px` wide (≈3 ms instead of ≈30 ms at 640 px; one scale for the whole sequence so the same
   picture always gets the same box), then the 68 landmarks. Frames without a face must stay under
   `max_missing_fraction` (else NO_FACE); two faces on a frame → MULTIPLE_FACES.
3. **No repeated frames** — the face crop of consecutive frames (32×32) identical to within
   `repeat_max_diff` grey levels for `still_run_ms`, or for more than half of all pairs → STILL_IMAGE
   (a photo sent again and again; a live camera at 5–13 frames/s never repeats a face crop exactly).
4. **The same person throughout** — between consecutive frames an eye/mouth-aligned 48×48 chip must stay
   correlated (≥ `min_chip_correlation`) and the face must not jump (IDENTITY_CHANGED). That catches
   crude splices only: faces of similar people correlate as well as one lively face between frames.
   So (``descriptor_check="auto"``) when a suspicious cut (correlation < 0.7 or a jump) lies between
   the best frame and an action's peak, dlib's ResNet descriptors of the two frames must be ≤ 0.42
   apart (≈60 ms of CPU per frame, only paid on suspicious sequences). The descriptors are kept in
   `LivenessDetail.embeddings` (FrameEmbeddings): the engine verifies the best frame and runs its
   consistency check on key frames (`LivenessResult.key_frames`) with them, never embedding a frame twice.
5. **A neutral start** — among the frames of the first `neutral_window_ms` (at least the first 3), at
   least `neutral_min_frames` with eyes open, mouth closed and a near-frontal head (NO_NEUTRAL_START).
   The neutral frames within `baseline_ms` of the first one are the person's own baseline (medians).
6. **Each action, in the challenge's order** — searched from the neutral start; each action must peak
   after the previous one's peak. With `strict_order`, a mouth opening or head turn the challenge asks
   for later must not already happen earlier (a replayed clip full of actions); blinks are exempt because
   people blink on their own. An action found only before its turn → ACTIONS_OUT_OF_ORDER; not found →
   ACTION_NOT_SEEN.
7. **Not a photo moved about** — each action's peak frame, aligned onto the best (neutral) frame with an
   affine ECC fit, must differ from it in the action's region (eyes / mouth / whole face) by at least
   `blink_min_change` / `mouth_min_change` / `turn_min_change`; a still picture shifted, scaled, tilted,
   re-lit and noised stays at ≤ 0.13 (mouth, face) while real actions reach 0.2–1.1 (STILL_IMAGE).
   Every challenge has at least one non-blink action, whose check is the decisive one.

The best frame (what the engine verifies, from the landmarks found here) is the sharpest of the most frontal
neutral frames.

Action rules (thresholds in `LivenessConfig`, calibrated on ../shared/faces/videos, see
docs/face-evaluation.md):

- blink: the eye aspect ratio at a frame is ≤ `blink_ratio` × baseline AND ≤ `blink_dip_ratio` × the
  most-open level of the preceding `blink_window_ms`, and within the following `blink_window_ms` the eyes
  open again to ≥ 1/`blink_recover_ratio` × that low — a short dip that recovers. A smile or a wide-open
  mouth narrows the eyes for seconds without that recovery, so it does not count as a blink.
- open_mouth: the inner-lip ratio reaches ≥ `mouth_open_min` and ≥ baseline + `mouth_open_delta`
  (a closed mouth reads 0.0–0.1, a smile with parted lips ≈0.28, talking 0.2–0.5, a wide-open mouth 0.6–0.85).
- turn_left / turn_right (the PERSON's left/right; in the unmirrored camera image the nose moves toward the
  image's right when they turn to their left): the nose-offset yaw proxy moves ≥ `turn_proxy_delta`
  inter-ocular distances from baseline in that direction AND the solvePnP yaw moves ≥ `turn_yaw_delta_deg`
  the same way (or ≥ `turn_proxy_delta_wide` with ≥ `turn_yaw_wide_deg`). 0.10 is about 15° on a generic
  face: the test clips only hold turns of 0.1–0.2; a person asked to turn their head turns further. The
  proxy is unchanged when a flat photo is tilted or turned, so a photo cannot fake a turn.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from face import dlib_api
from face import landmarks as lm
from face.config import LivenessConfig
from face.dlib_api import Shape
from face.frames import decode, downscale
from face.types import Action, ActionResult, Box, FaceInputError, LivenessResult, ReasonCode, TimedFrame

CHIP_SIZE = 48
# Where the eye centres and the mouth centre land in the aligned chip.
_CHIP_ANCHORS = np.array([[15.0, 17.0], [33.0, 17.0], [24.0, 36.0]], dtype=np.float32)


@dataclass(frozen=True, slots=True, eq=False)
class FrameAnalysis:
    """What one frame shows: its measures (None when no face was found) and an aligned face chip."""

    index: int
    t_ms: int
    measures: lm.FaceMeasures | None
    faces: int  # faces the detector saw on this frame
    chip: np.ndarray | None  # CHIP_SIZE² float32, zero mean, unit variance
    sharpness: float
    shape: Shape | None = None  # the 68 dlib landmarks (for the descriptor check)


@dataclass(frozen=True, slots=True, eq=False)
class FaceFrame:
    """A frame on which a face was found: its measures, chip and landmark shape, none of them None. Every
    stage after detection works on these."""

    index: int
    t_ms: int
    measures: lm.FaceMeasures
    chip: np.ndarray
    sharpness: float
    shape: Shape


def face_frames(frames: Iterable[FrameAnalysis]) -> list[FaceFrame]:
    """The frames on which a face was found, in order."""
    return [
        FaceFrame(f.index, f.t_ms, f.measures, f.chip, f.sharpness, f.shape)
        for f in frames
        if f.measures is not None and f.chip is not None and f.shape is not None
    ]


@dataclass(frozen=True, slots=True, eq=False)
class LivenessDetail:
    """The result plus what it was computed from (for the CLI, the evaluation and debugging)."""

    result: LivenessResult
    frames: tuple[FrameAnalysis, ...] = ()
    baseline: dict[str, float] = field(default_factory=dict)
    notes: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    # colour frames and dlib descriptors computed so far (the engine reuses them; None on early failures)
    embeddings: FrameEmbeddings | None = None


class FrameEmbeddings:
    """Colour frames and dlib ResNet descriptors of one sequence, each computed at most once.

    The liveness splice check, the engine's verification of the best frame and its identity-consistency
    check all use the same descriptor (face.verify.descriptor on the frame's 68-point shape): a frame is
    never embedded twice and never detected again.
    """

    def __init__(self, color: Callable[[int], np.ndarray], frames: Sequence[FaceFrame]):
        self._color = color
        self._frames = {f.index: f for f in frames}
        self._images: dict[int, np.ndarray] = {}
        self._vectors: dict[int, np.ndarray] = {}

    def image(self, index: int) -> np.ndarray:
        if index not in self._images:
            self._images[index] = self._color(index)
        return self._images[index]

    def has_face(self, index: int) -> bool:
        return index in self._frames

    def measures(self, index: int) -> lm.FaceMeasures:
        """The measures of a frame with a face (KeyError for a frame without one)."""
        return self._frames[index].measures

    def vector(self, index: int) -> np.ndarray:
        from face.verify import descriptor

        if index not in self._vectors:
            self._vectors[index] = descriptor(self.image(index), self._frames[index].shape)
        return self._vectors[index]

    @property
    def computed(self) -> tuple[int, ...]:
        return tuple(self._vectors)


# --------------------------------------------------------------------------------------------- public


def evaluate(
    actions: Sequence[Action], frames: Sequence[TimedFrame], *, config: LivenessConfig | None = None
) -> LivenessResult:
    """Decide liveness on encoded frames (JPEG/PNG bytes with capture times in ms).

    Raises FaceInputError(NOT_AN_IMAGE / EMPTY_INPUT) when a frame cannot be decoded.
    """
    return evaluate_detail(actions, frames, config=config).result


def evaluate_detail(
    actions: Sequence[Action], frames: Sequence[TimedFrame], *, config: LivenessConfig | None = None
) -> LivenessDetail:
    cfg = config or LivenessConfig()
    t0 = time.perf_counter()
    if len(frames) > cfg.max_frames:
        return _fail(actions, ReasonCode.IMPLAUSIBLE_TIMING, f"more than {cfg.max_frames} frames")
    grays = [_decode_gray(f, i) for i, f in enumerate(frames)]
    detail = _evaluate_gray(actions, grays, [f.t_ms for f in frames], cfg, lambda i: decode(frames[i], i))
    detail.timings_ms["decode"] = (time.perf_counter() - t0) * 1000.0 - sum(detail.timings_ms.values())
    return detail


def evaluate_arrays(
    actions: Sequence[Action],
    images: Sequence[np.ndarray],
    times_ms: Sequence[int],
    *,
    config: LivenessConfig | None = None,
) -> LivenessResult:
    """Decide liveness on decoded BGR (or grayscale) frames with capture times in ms."""
    return evaluate_arrays_detail(actions, images, times_ms, config=config).result


def evaluate_arrays_detail(
    actions: Sequence[Action],
    images: Sequence[np.ndarray],
    times_ms: Sequence[int],
    *,
    config: LivenessConfig | None = None,
) -> LivenessDetail:
    cfg = config or LivenessConfig()
    if len(images) != len(times_ms):
        raise ValueError("images and times_ms differ in length")
    if len(images) > cfg.max_frames:
        return _fail(actions, ReasonCode.IMPLAUSIBLE_TIMING, f"more than {cfg.max_frames} frames")
    grays = [lm.to_gray(downscale(img)) for img in images]
    return _evaluate_gray(actions, grays, list(times_ms), cfg, lambda i: downscale(images[i]))


# ------------------------------------------------------------------------------------------- pipeline


def _decode_gray(frame: TimedFrame, index: int) -> np.ndarray:
    """Grayscale straight from the decoder (skips colour conversion); colour is decoded again only for the
    few frames the identity check embeds."""
    if not frame.data:
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"frame {index} is empty")
    gray = cv2.imdecode(np.frombuffer(frame.data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"frame {index} is not a JPEG or PNG image")
    return downscale(gray)


def _fail(
    actions: Sequence[Action],
    reason: ReasonCode,
    notes: str,
    *,
    frames: tuple[FrameAnalysis, ...] = (),
    timings_ms: dict[str, float] | None = None,
) -> LivenessDetail:
    results = tuple(ActionResult(Action(a), False, None) for a in actions)
    return LivenessDetail(
        LivenessResult(False, results, reason),
        frames=frames,
        notes=notes,
        timings_ms={} if timings_ms is None else timings_ms,
    )


def _evaluate_gray(
    actions: Sequence[Action],
    grays: list[np.ndarray],
    times: list[int],
    cfg: LivenessConfig,
    color: Callable[[int], np.ndarray],
) -> LivenessDetail:
    actions = [Action(a) for a in actions]
    if not actions:
        raise ValueError("a challenge needs at least one action")
    timings: dict[str, float] = {}
    if len(grays) < cfg.min_frames:
        return _fail(
            actions, ReasonCode.TOO_FEW_FRAMES, f"{len(grays)} frames, at least {cfg.min_frames} needed"
        )
    bad_timing = _check_timing(times, cfg)
    if bad_timing:
        return _fail(actions, ReasonCode.IMPLAUSIBLE_TIMING, bad_timing)

    t = time.perf_counter()
    frames = analyse_frames(grays, times, cfg)
    timings["landmarks"] = (time.perf_counter() - t) * 1000.0

    def fail(reason: ReasonCode, notes: str) -> LivenessDetail:
        return _fail(actions, reason, notes, frames=tuple(frames), timings_ms=timings)

    seen = face_frames(frames)
    missing = len(frames) - len(seen)
    if len(seen) < cfg.min_frames or missing > cfg.max_missing_fraction * len(frames):
        return fail(ReasonCode.NO_FACE, f"no face on {missing} of {len(frames)} frames")
    if any(f.faces > 1 for f in frames):
        return fail(ReasonCode.MULTIPLE_FACES, "more than one face in a frame")
    repeated = _repeat_reason(grays, seen, cfg)
    if repeated:
        return fail(ReasonCode.STILL_IMAGE, repeated)

    jump = _identity_break(seen, cfg)
    if jump:
        return fail(ReasonCode.IDENTITY_CHANGED, jump)

    neutral = _neutral_start(seen, cfg)
    if neutral is None:
        return fail(
            ReasonCode.NO_NEUTRAL_START,
            "no frames with open eyes, closed mouth and a frontal face at the start",
        )
    start_pos, baseline = neutral
    best = _best_frame(seen, baseline, cfg)

    t = time.perf_counter()
    results, reason, notes = _match_actions(actions, seen, start_pos, baseline, cfg)
    timings["actions"] = (time.perf_counter() - t) * 1000.0
    if reason is ReasonCode.OK:
        t = time.perf_counter()
        rigid = _rigid_actions(grays, seen, best, results, cfg)
        timings["still"] = (time.perf_counter() - t) * 1000.0
        if rigid:
            reason, notes = ReasonCode.STILL_IMAGE, rigid
    key = _key_frames(best, results, seen)
    embeddings = FrameEmbeddings(color, seen)
    if reason is ReasonCode.OK and cfg.descriptor_check != "never":
        t = time.perf_counter()
        broken = _descriptor_break(embeddings, seen, best, results, cfg)
        timings["descriptors"] = (time.perf_counter() - t) * 1000.0
        if broken:
            reason, notes = ReasonCode.IDENTITY_CHANGED, broken
    live = reason is ReasonCode.OK
    return LivenessDetail(
        LivenessResult(live, tuple(results), reason, best, key_frames=key),
        frames=tuple(frames),
        baseline=baseline,
        notes=notes,
        timings_ms=timings,
        embeddings=embeddings,
    )


def _check_timing(times: list[int], cfg: LivenessConfig) -> str:
    for a, b in itertools.pairwise(times):
        if b <= a:
            return f"capture times must increase (saw {a} then {b} ms)"
        if b - a > cfg.max_gap_ms:
            return f"a gap of {b - a} ms between two frames (at most {cfg.max_gap_ms})"
    duration = times[-1] - times[0]
    if duration < cfg.min_duration_ms:
        return f"the capture lasted {duration} ms (at least {cfg.min_duration_ms})"
    if duration > cfg.max_duration_ms:
        return f"the capture lasted {duration} ms (at most {cfg.max_duration_ms})"
    return ""


# ------------------------------------------------------------------------------------------ per frame


def analyse_frames(
    grays: Sequence[np.ndarray], times: Sequence[int], cfg: LivenessConfig
) -> list[FrameAnalysis]:
    """Landmarks and measures for every frame.

    The HOG detector runs on every frame, on a copy scaled so that the face (as first seen) is
    about `detect_face_px` wide (≈3 ms for a selfie-sized face instead of ≈30 ms at 640 px); when that
    finds nothing it retries at `detect_side` px and then at full size. Tracking the box from the previous
    landmarks was tried and drifts on fast head movements (d12), so it is not used.
    """
    from face.models import frontal_face_detector, landmarks_68

    detector, predictor = frontal_face_detector(), landmarks_68()
    out: list[FrameAnalysis] = []
    ref_w: float | None = None  # face width the detection scale was chosen for
    side = 0
    for i, gray in enumerate(grays):
        found: list[tuple[Box, float]] = []
        long_side = max(gray.shape[:2])
        if ref_w:
            found = lm.detect_faces(gray, detect_side=side, detector=detector, fallback=False)
        if not found:
            found = lm.detect_faces(gray, detect_side=cfg.detect_side, detector=detector)
            ref_w = None
        if not found:
            out.append(FrameAnalysis(i, int(times[i]), None, 0, None, 0.0))
            continue
        box = found[0][0]
        # Keep one detection scale while the face keeps its size: the same picture then gets the same
        # box and the same landmarks (a changing scale moves the box and makes the landmarks jitter).
        if ref_w is None or not (0.75 <= box.w / ref_w <= 1.33):
            ref_w = float(box.w)
            side = int(min(long_side, max(160.0, long_side * cfg.detect_face_px / ref_w)))
        shape = predictor(gray, dlib_api.rectangle(box))
        pts = np.array([(shape.part(k).x, shape.part(k).y) for k in range(68)], dtype=np.float32)
        m = lm.measure(pts, (gray.shape[1], gray.shape[0]), box)
        chip, sharpness = _chip(gray, pts), _sharpness(gray, box)
        out.append(FrameAnalysis(i, int(times[i]), m, len(found), chip, sharpness, shape))
    return out


def _chip(gray: np.ndarray, pts: np.ndarray) -> np.ndarray:
    right, left = lm.eye_centres(pts)
    mouth = pts[48:68].mean(axis=0)
    src = np.array([right, left, mouth], dtype=np.float32)
    m, _ = cv2.estimateAffinePartial2D(src, _CHIP_ANCHORS)
    if m is None:
        m = cv2.getAffineTransform(src, _CHIP_ANCHORS)
    chip = cv2.warpAffine(
        gray, m, (CHIP_SIZE, CHIP_SIZE), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    chip = cv2.GaussianBlur(chip.astype(np.float32), (3, 3), 0)
    chip -= chip.mean()
    sd = float(chip.std())
    return chip / sd if sd > 1e-3 else chip


def _sharpness(gray: np.ndarray, box: Box) -> float:
    h, w = gray.shape[:2]
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(w, box.x + box.w), min(h, box.y + box.h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return 0.0
    crop = cv2.resize(gray[y0:y1, x0:x1], (128, 128), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(crop, cv2.CV_64F).var())


# ----------------------------------------------------------------------------------- still, identity


def _face_thumb(gray: np.ndarray, box: Box) -> np.ndarray:
    h, w = gray.shape[:2]
    x0, y0 = min(max(0, box.x), w - 1), min(max(0, box.y), h - 1)
    x1, y1 = max(x0 + 1, min(w, box.x + box.w)), max(y0 + 1, min(h, box.y + box.h))
    return cv2.resize(gray[y0:y1, x0:x1], (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)


def _repeat_reason(grays: list[np.ndarray], seen: list[FaceFrame], cfg: LivenessConfig) -> str:
    """Identical frames (the same picture sent again): a run lasting `still_run_ms`, or more than half of
    all consecutive pairs. Compared on the face region (the first face box) so a static background does
    not count; a live camera at 5–13 frames/s never gives two identical face crops (measured ≥ 0.13 grey
    levels apart on every clip; 30 fps video does repeat single frames, never for a whole second)."""
    box = seen[0].measures.box
    thumbs = [_face_thumb(grays[f.index], box) for f in seen]
    times = [f.t_ms for f in seen]
    same = [float(np.abs(a - b).mean()) < cfg.repeat_max_diff for a, b in itertools.pairwise(thumbs)]
    if sum(same) > len(same) / 2:
        return f"{sum(same)} of {len(same)} consecutive frames are identical"
    run_start = 0
    for k in range(1, len(thumbs)):
        if not same[k - 1]:
            run_start = k
        elif times[k] - times[run_start] >= cfg.still_run_ms:
            return (
                f"frames {seen[run_start].index}–{seen[k].index} are identical "
                f"({times[k] - times[run_start]} ms)"
            )
    return ""


def region_change(
    gray_a: np.ndarray, a: lm.FaceMeasures, gray_b: np.ndarray, size: int = 64
) -> dict[str, float] | None:
    """How much frame b differs from frame a once a rigid (affine) motion is taken out.

    Both faces are cut with a's box, b is aligned onto a with ECC (affine), and the mean absolute
    difference of the contrast-normalised crops is measured over a's eyes, mouth and the whole face.
    A photo moved, scaled, tilted or re-lit stays near the noise level (≈0.05–0.13) everywhere;
    a real blink or mouth opening changes its region far more. None when ECC does not converge
    (the face changed too much to align: certainly not a rigid copy).
    """
    box = a.box
    cx, cy, side = box.x + box.w / 2.0, box.y + box.h / 2.0, box.w * 1.2
    k = size / side
    m = np.array([[k, 0, size / 2 - cx * k], [0, k, size / 2 - cy * k]], dtype=np.float32)

    def cut(g: np.ndarray) -> np.ndarray:
        c = np.asarray(
            cv2.warpAffine(g, m, (size, size), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE),
            dtype=np.float32,
        )
        return (c - float(c.mean())) / max(float(c.std()), 1e-3)

    ref, cur = cut(gray_a), cut(gray_b)
    warp = np.eye(2, 3, dtype=np.float32)
    # An all-ones mask is what OpenCV uses when none is given; the call that sets the Gaussian filter
    # size takes one explicitly.
    everywhere = np.ones((size, size), dtype=np.uint8)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 40, 1e-4)
    try:
        _, fitted = cv2.findTransformECC(ref, cur, warp, cv2.MOTION_AFFINE, criteria, everywhere, 3)
    except cv2.error:
        return None
    aligned = cv2.warpAffine(
        cur, fitted, (size, size), flags=cv2.INTER_LINEAR + cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    diff = np.abs(ref - aligned)
    pts = a.points @ m[:, :2].T + m[:, 2]

    def region(sl: slice, pad: float) -> float:
        p = pts[sl]
        x0, y0 = p.min(axis=0)
        x1, y1 = p.max(axis=0)
        px, py = (x1 - x0) * pad, (y1 - y0) * pad + 2
        xa, xb = int(max(0, x0 - px)), int(min(size, x1 + px + 1))
        ya, yb = int(max(0, y0 - py)), int(min(size, y1 + py + 1))
        return float(diff[ya:yb, xa:xb].mean()) if xb > xa and yb > ya else 0.0

    inner = diff[size // 8 : size - size // 8, size // 8 : size - size // 8]
    return {
        "eyes": region(slice(36, 48), 0.15),
        "mouth": region(slice(48, 68), 0.15),
        "face": float(inner.mean()),
    }


_ACTION_REGION = {
    Action.BLINK: "eyes", Action.OPEN_MOUTH: "mouth", Action.TURN_LEFT: "face", Action.TURN_RIGHT: "face"
}


def _rigid_actions(
    grays: list[np.ndarray],
    seen: list[FaceFrame],
    best: int,
    results: Sequence[ActionResult],
    cfg: LivenessConfig,
) -> str:
    """An action whose peak frame is only a rigid copy of the neutral best frame is a still picture moved
    about."""
    by_index = {f.index: f for f in seen}
    ref = by_index[best]
    for r in results:
        if not r.passed or r.frame is None:
            continue
        change = region_change(grays[best], ref.measures, grays[r.frame])
        if change is None:
            continue
        region = _ACTION_REGION[r.action]
        need = {
            Action.BLINK: cfg.blink_min_change,
            Action.OPEN_MOUTH: cfg.mouth_min_change,
        }.get(r.action, cfg.turn_min_change)
        if change[region] < need:
            return (
                f"{r.action.value} at frame {r.frame} is the neutral frame moved about "
                f"({region} change {change[region]:.2f} < {need})"
            )
    return ""


def _identity_break(seen: list[FaceFrame], cfg: LivenessConfig) -> str:
    for a, b in itertools.pairwise(seen):
        corr = float((a.chip * b.chip).mean())
        ma, mb = a.measures, b.measures
        iod = max(ma.inter_ocular, 1e-6)
        ca = ma.points.mean(axis=0)
        cb = mb.points.mean(axis=0)
        jump = float(np.hypot(*(cb - ca))) / iod
        scale = max(mb.inter_ocular, 1e-6) / iod
        if corr < cfg.min_chip_correlation:
            return f"the face changed between frames {a.index} and {b.index} (chip correlation {corr:.2f})"
        if jump > cfg.max_jump or not (1 / cfg.max_scale_change <= scale <= cfg.max_scale_change):
            return (
                f"the face jumped between frames {a.index} and {b.index} (move {jump:.2f}, scale {scale:.2f})"
            )
    return ""


def _suspicious_between(seen: list[FaceFrame], i: int, j: int, cfg: LivenessConfig) -> bool:
    """Is there a transition between frames i and j (frame indexes) that could be a cut to another face?"""
    lo, hi = min(i, j), max(i, j)
    span = [f for f in seen if lo <= f.index <= hi]
    for a, b in itertools.pairwise(span):
        corr = float((a.chip * b.chip).mean())
        jump = float(np.hypot(*(b.measures.points.mean(axis=0) - a.measures.points.mean(axis=0))))
        relative_jump = jump / max(a.measures.inter_ocular, 1e-6)
        if corr < cfg.suspicious_correlation or relative_jump > cfg.suspicious_jump:
            return True
    return False


def _descriptor_break(
    embeddings: FrameEmbeddings,
    seen: list[FaceFrame],
    best: int,
    results: Sequence[ActionResult],
    cfg: LivenessConfig,
) -> str:
    """The person on the best frame (the one verified) must be the one on every action's peak frame."""
    peaks = [r.frame for r in results if r.frame is not None and r.frame != best]
    if cfg.descriptor_check == "auto":
        peaks = [p for p in peaks if _suspicious_between(seen, best, p, cfg)]
    if not peaks:
        return ""
    ref = embeddings.vector(best)
    for p in dict.fromkeys(peaks):
        d = float(np.linalg.norm(ref - embeddings.vector(p)))
        if d > cfg.descriptor_max_distance:
            return f"frames {best} and {p} look like different people (descriptor distance {d:.2f})"
    return ""


# ---------------------------------------------------------------------------------- neutral, actions


def _is_neutral_pose(m: lm.FaceMeasures, cfg: LivenessConfig) -> bool:
    return (
        m.ear >= cfg.open_eye_min
        and m.mouth <= cfg.mouth_closed_max
        and abs(m.yaw_proxy) <= cfg.frontal_proxy_max
        and abs(m.yaw_deg) <= cfg.frontal_yaw_max_deg
    )


def _neutral_start(seen: list[FaceFrame], cfg: LivenessConfig) -> tuple[int, dict[str, float]] | None:
    t_first = seen[0].t_ms
    window = [k for k, f in enumerate(seen) if f.t_ms - t_first <= cfg.neutral_window_ms or k < 3]
    neutral = [k for k in window if _is_neutral_pose(seen[k].measures, cfg)]
    if len(neutral) < cfg.neutral_min_frames:
        return None
    # The baseline is the neutral frames close to the first one: later frames in the window may already
    # be part of the first action (a turn keeps eyes open and mouth closed, so it still looks "neutral").
    t_start = seen[neutral[0]].t_ms
    close = [k for k in neutral if seen[k].t_ms - t_start <= cfg.baseline_ms]
    ms = [seen[k].measures for k in close[: cfg.baseline_frames]]
    baseline = {
        "ear": float(np.median([m.ear for m in ms])),
        "mouth": float(np.median([m.mouth for m in ms])),
        "yaw_proxy": float(np.median([m.yaw_proxy for m in ms])),
        "yaw_deg": float(np.median([m.yaw_deg for m in ms])),
    }
    return neutral[0], baseline


def _best_frame(seen: list[FaceFrame], baseline: dict[str, float], cfg: LivenessConfig) -> int:
    """The sharpest of the most frontal neutral frames (eyes as open as at the start, mouth closed)."""
    cands = [
        f
        for f in seen
        if _is_neutral_pose(f.measures, cfg)
        and f.measures.ear >= 0.85 * baseline["ear"]
        and f.measures.mouth <= baseline["mouth"] + 0.1
    ] or seen
    most_frontal = min(abs(f.measures.yaw_proxy) for f in cands)
    frontal = [f for f in cands if abs(f.measures.yaw_proxy) <= most_frontal + 0.05]
    return max(frontal, key=lambda f: f.sharpness).index


def _key_frames(best: int, results: Sequence[ActionResult], seen: list[FaceFrame]) -> tuple[int, ...]:
    """Frames worth an identity embedding: the best frame, each action's peak, then the last frame."""
    key = [best]
    for r in results:
        if r.frame is not None and r.frame not in key:
            key.append(r.frame)
    if seen[-1].index not in key:
        key.append(seen[-1].index)
    return tuple(key)


@dataclass(frozen=True, slots=True)
class _Event:
    action: Action
    start: int  # positions in `seen`
    peak: int
    end: int


def find_events(
    action: Action, seen: Sequence[FaceFrame], baseline: dict[str, float], cfg: LivenessConfig
) -> list[_Event]:
    """Every occurrence of `action` in the sequence (positions into `seen`), in time order."""
    n = len(seen)
    ms = [f.measures for f in seen]
    hits: list[bool]
    strength: list[float]
    if action is Action.BLINK:
        ear = [m.ear for m in ms]
        hits, strength = [], []
        for k in range(n):
            t = seen[k].t_ms
            before = [ear[j] for j in range(k - 1, -1, -1) if t - seen[j].t_ms <= cfg.blink_window_ms]
            after = [ear[j] for j in range(k + 1, n) if seen[j].t_ms - t <= cfg.blink_window_ms]
            if not before or not after:
                hits.append(False)
                strength.append(0.0)
                continue
            ok = (
                ear[k] <= cfg.blink_ratio * baseline["ear"]
                and ear[k] <= cfg.blink_dip_ratio * max(before)  # the eyes closed, quickly...
                and max(after) >= ear[k] / cfg.blink_recover_ratio  # ...and opened again
            )
            hits.append(ok)
            strength.append(-ear[k])
    elif action is Action.OPEN_MOUTH:
        need = max(cfg.mouth_open_min, baseline["mouth"] + cfg.mouth_open_delta)
        hits = [m.mouth >= need for m in ms]
        strength = [m.mouth for m in ms]
    else:
        sign = 1.0 if action is Action.TURN_LEFT else -1.0
        d_proxy = [sign * (m.yaw_proxy - baseline["yaw_proxy"]) for m in ms]
        d_yaw = [sign * (m.yaw_deg - baseline["yaw_deg"]) for m in ms]
        hits = [
            (p >= cfg.turn_proxy_delta and y >= cfg.turn_yaw_delta_deg)
            or (p >= cfg.turn_proxy_delta_wide and y >= cfg.turn_yaw_wide_deg)
            for p, y in zip(d_proxy, d_yaw, strict=True)
        ]
        strength = d_proxy
    events: list[_Event] = []
    k = 0
    while k < n:
        if not hits[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and hits[j + 1]:
            j += 1
        peak = max(range(k, j + 1), key=lambda q: strength[q])
        events.append(_Event(action, k, peak, j))
        k = j + 1
    return events


def _match_actions(
    actions: list[Action],
    seen: list[FaceFrame],
    start: int,
    baseline: dict[str, float],
    cfg: LivenessConfig,
) -> tuple[tuple[ActionResult, ...], ReasonCode, str]:
    events = {a: [e for e in find_events(a, seen, baseline, cfg) if e.peak >= start] for a in set(actions)}
    results: list[ActionResult] = []
    cursor = start  # the next action must peak after this position
    for n, action in enumerate(actions):
        later = [e for e in events[action] if e.peak > cursor or (n == 0 and e.peak >= cursor)]
        if not later:
            rest = [ActionResult(a, False, None) for a in actions[n + 1 :]]
            before = [e for e in events[action] if e.peak <= cursor]
            if before:
                results.append(ActionResult(action, False, seen[before[0].peak].index))
                return (
                    tuple(results + rest),
                    ReasonCode.ACTIONS_OUT_OF_ORDER,
                    f"{action.value} happened before the previous action",
                )
            results.append(ActionResult(action, False, None))
            return tuple(results + rest), ReasonCode.ACTION_NOT_SEEN, f"{action.value} not seen"
        ev = later[0]
        if cfg.strict_order:
            for other in actions[n + 1 :]:
                if other is Action.BLINK or other is action:
                    continue
                early = [e for e in events[other] if e.peak <= ev.peak and e.end >= cursor]
                if early:
                    results.append(ActionResult(action, True, seen[ev.peak].index))
                    rest = [ActionResult(a, False, None) for a in actions[n + 1 :]]
                    return (
                        tuple(results + rest),
                        ReasonCode.ACTIONS_OUT_OF_ORDER,
                        f"{other.value} happened before {action.value}",
                    )
        results.append(ActionResult(action, True, seen[ev.peak].index))
        cursor = ev.peak
    return tuple(results), ReasonCode.OK, ""


def describe(detail: LivenessDetail) -> str:
    """A one-line summary for logs and the evaluation."""
    r = detail.result
    acts = ", ".join(f"{a.action.value}{'✓' if a.passed else '✗'}@{a.frame}" for a in r.actions)
    return f"live={r.live} reason={r.reason.value} [{acts}] best={r.best_frame} {detail.notes}".strip()


__all__ = [
    "FrameAnalysis",
    "LivenessConfig",
    "LivenessDetail",
    "analyse_frames",
    "describe",
    "evaluate",
    "evaluate_arrays",
    "evaluate_arrays_detail",
    "evaluate_detail",
    "find_events",
]
