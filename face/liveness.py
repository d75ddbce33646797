"""Active liveness: did a live person perform the challenge's actions, in order, in this frame sequence?

`evaluate(actions, frames)` takes encoded frames with capture times (what the API receives);
`evaluate_arrays(actions, images, times_ms)` takes decoded BGR frames. The decision, in this order:

1. **Timing**, on the capture times the device measured — at least `min_frames` frames; times strictly
   increasing, no faster than a camera, no longer than `max_duration_ms` (else IMPLAUSIBLE_TIMING); a
   capture cut short, a stall over `max_gap_ms` or pictures too sparse to show a blink are a slow device's
   doing: TOO_FEW_FRAMES, which the API answers with "try again" without counting a failed attempt
   (`_check_timing`; later, an action missed in a hole of lost pictures or a blink missed between
   pictures more than `blink_max_interval_ms` apart is TOO_FEW_FRAMES too).
2. **A face in the frames** — dlib's HOG detector at least once every `full_detect_ms`, on a copy scaled so
   the face is about `detect_face_px` wide (≈3 ms instead of ≈30 ms at 640 px; one scale for the whole
   sequence so the same picture always gets the same box); in between the face is tracked from the
   previous landmarks (`analyse_frames`), then the 68 landmarks. Frames without a face must stay under
   `max_missing_fraction` (else NO_FACE); two faces on a detected frame → MULTIPLE_FACES.
3. **No repeated frames** — the face crop of consecutive frames (32×32) identical to within
   `repeat_max_diff` grey levels for `still_run_ms`, or for more than half of all pairs → STILL_IMAGE
   (a photo sent again and again; a live camera at 5–13 frames/s never repeats a face crop exactly).
4. **The same person throughout** — between consecutive frames an eye/mouth-aligned 48×48 chip must stay
   correlated (≥ `min_chip_correlation`) and the face must not jump (IDENTITY_CHANGED). That catches
   crude splices only: faces of similar people correlate as well as one lively face between frames.
   So (``descriptor_check="auto"``) when an unbridged cut (correlation < 0.7 or a jump, and no frame
   within 1.5 s after it looking like one within 1.5 s before: `unbridged_cuts`) lies between
   the best frame and an action's peak, dlib's ResNet descriptors of the two frames must be ≤ 0.42
   apart (≈60 ms of CPU per frame, only paid on suspicious sequences). The descriptors are kept in
   `LivenessDetail.embeddings` (FrameEmbeddings): the engine verifies the best frame and runs its
   consistency check on key frames (`LivenessResult.key_frames`) with them, never embedding a frame twice.
   Before that, the face must move like a real one (face.continuity): when every coordinate —
   position, size, pose, eyes, mouth — jumps between consecutive frames about as far as between any two
   frames (roughness of the smoothest coordinate > `max_motion_roughness`), the frames were shuffled
   (IMPLAUSIBLE_MOTION; a reversed recording stays smooth and is left to the random action order).
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

from face import continuity, dlib_api
from face import landmarks as lm
from face.background import Prefetched
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
    # decoded on the second core while the first frames are analysed (OpenCV lets go of the GIL)
    grays = Prefetched(_decode_gray, frames)
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
    grays: Sequence[np.ndarray],
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
    if bad_timing is not None:
        return _fail(actions, *bad_timing)

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
    jerky = _motion_break(seen, cfg)
    if jerky:
        return fail(ReasonCode.IMPLAUSIBLE_MOTION, jerky)

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
    if reason is ReasonCode.ACTION_NOT_SEEN:
        hole = _hole_after(seen, start_pos)
        unseen = next((r.action for r in results if not r.passed), None)
        # how far apart the pictures usually are (75th percentile: bursts of close pictures do not hide the
        # long waits between them)
        spacing = float(np.percentile(np.diff([f.t_ms for f in seen]), 75)) if len(seen) > 1 else 0.0
        if hole > cfg.max_hole_ms:
            # the device lost pictures (dropped, or no face found on them) long enough to miss a blink:
            # not the person's fault, they try again without it counting
            reason = ReasonCode.TOO_FEW_FRAMES
            notes = f"{notes}; {hole} ms without a usable picture (at most {cfg.max_hole_ms})"
        elif unseen in _BRIEF_ACTIONS and spacing > cfg.blink_max_interval_ms:
            # a 100–150 ms blink, or the brief peak of a quick head turn, falls between pictures taken this
            # far apart: the camera was too slow, not the person
            reason = ReasonCode.TOO_FEW_FRAMES
            notes = f"{notes}; pictures {spacing:.0f} ms apart can miss a {unseen.value}"
    if reason is ReasonCode.OK:
        t = time.perf_counter()
        rigid = _rigid_actions(grays, seen, best, results, cfg)
        timings["still"] = (time.perf_counter() - t) * 1000.0
        if rigid:
            reason, notes = ReasonCode.STILL_IMAGE, rigid
    key = _key_frames(best, results, seen)
    embeddings = FrameEmbeddings(color, seen)
    cuts = unbridged_cuts(seen, cfg)
    if reason is ReasonCode.OK and cfg.descriptor_check != "never":
        t = time.perf_counter()
        broken = _descriptor_break(embeddings, cuts, best, results, cfg)
        timings["descriptors"] = (time.perf_counter() - t) * 1000.0
        if broken:
            reason, notes = ReasonCode.IDENTITY_CHANGED, broken
    live = reason is ReasonCode.OK
    return LivenessDetail(
        LivenessResult(live, tuple(results), reason, best, key_frames=key, cuts=cuts),
        frames=tuple(frames),
        baseline=baseline,
        notes=notes,
        timings_ms=timings,
        embeddings=embeddings,
    )


_BRIEF_ACTIONS = (Action.BLINK, Action.TURN_LEFT, Action.TURN_RIGHT)


def _check_timing(times: list[int], cfg: LivenessConfig) -> tuple[ReasonCode, str] | None:
    """The timing rules, on the capture times the device measured (never a nominal rate).

    What a device cannot fake its way around is refused (IMPLAUSIBLE_TIMING: times going backwards, faster
    than any phone camera, longer than a capture lasts); what a slow or stalling device gives — a stall of
    more than `max_gap_ms`, a capture cut short at a plausible rate, pictures too sparse to see an action
    (median spacing over `max_median_interval_ms`) — asks for another try (TOO_FEW_FRAMES, not counted
    as a failed attempt)."""
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for a, b in itertools.pairwise(times):
        if b <= a:
            return ReasonCode.IMPLAUSIBLE_TIMING, f"capture times must increase (saw {a} then {b} ms)"
    duration = times[-1] - times[0]
    if duration > cfg.max_duration_ms:
        return ReasonCode.IMPLAUSIBLE_TIMING, (
            f"the capture lasted {duration} ms (at most {cfg.max_duration_ms})"
        )
    if gaps and float(np.median(gaps)) < cfg.min_median_interval_ms:
        return ReasonCode.IMPLAUSIBLE_TIMING, (
            f"pictures {float(np.median(gaps)):.0f} ms apart (a camera takes at most one every "
            f"{cfg.min_median_interval_ms} ms)"
        )
    if duration < cfg.min_duration_ms:
        return ReasonCode.TOO_FEW_FRAMES, f"the capture lasted {duration} ms (at least {cfg.min_duration_ms})"
    worst = max(gaps, default=0)
    if worst > cfg.max_gap_ms:
        return ReasonCode.TOO_FEW_FRAMES, f"a gap of {worst} ms between two frames (at most {cfg.max_gap_ms})"
    if gaps and float(np.median(gaps)) > cfg.max_median_interval_ms:
        return ReasonCode.TOO_FEW_FRAMES, (
            f"pictures {float(np.median(gaps)):.0f} ms apart (at most {cfg.max_median_interval_ms} to see "
            "a blink)"
        )
    return None


def _hole_after(seen: Sequence[FaceFrame], start: int) -> int:
    """The longest stretch without a usable picture (a face found) from position `start` on, in ms."""
    times = [f.t_ms for f in seen[start:]]
    return max((b - a for a, b in itertools.pairwise(times)), default=0)


# ------------------------------------------------------------------------------------------ per frame


def analyse_frames(
    grays: Sequence[np.ndarray], times: Sequence[int], cfg: LivenessConfig
) -> list[FrameAnalysis]:
    """Landmarks and measures for every frame.

    The face is found by dlib's HOG detector on a copy scaled so that it is about `detect_face_px` wide
    (≈3 ms for a selfie-sized face instead of ≈30 ms at 640 px; when that finds nothing it retries at
    `detect_side` px and then at full size), on the first frame and again at least every `full_detect_ms`
    (so a second face coming into the picture is seen). In between the face is tracked: the detector's
    box is placed where the previous frame's landmarks say the face is (the box's offset and size
    relative to the landmarks as the detector last gave them), the 68 landmarks are fitted in it, and if
    the fitted face sits more than `track_tolerance` box widths from that box (a fast head movement)
    they are fitted once more in the corrected box; still off → a detection. Tracking costs one or two
    landmark fits (~1 ms each) instead of a detection per frame, and never drifts: every box follows the
    landmarks fitted on the frame itself.
    """
    from face.models import frontal_face_detector, landmarks_68

    detector, predictor = frontal_face_detector(), landmarks_68()
    out: list[FrameAnalysis] = []
    ref_w: float | None = None  # face width the detection scale was chosen for
    side = 0
    prev: np.ndarray | None = None  # landmarks of the previous frame (when it had a face)
    prev_gray: np.ndarray | None = None
    prev_chip: np.ndarray | None = None
    prev_box: Box | None = None
    rel: tuple[float, float, float, float] | None = None  # detector box relative to its landmarks
    last_full: int | None = None  # capture time of the last detection
    faces_seen = 0
    for i, gray in enumerate(grays):
        t = int(times[i])
        tracked: tuple[Box, Shape, np.ndarray] | None = None
        due = last_full is None or not (0 <= t - last_full < cfg.full_detect_ms)
        if not due and prev is not None and rel is not None and prev_gray is not None:
            tracked = _track(prev_gray, gray, prev, rel, predictor, cfg.track_tolerance, cfg.track_max_motion)
        chip: np.ndarray | None = None
        if tracked is not None and prev_chip is not None:
            # a fit that does not look like the previous frame's face may have slipped: detect instead
            chip = _chip(gray, tracked[2])
            if float((chip * prev_chip).mean()) < cfg.track_min_correlation:
                tracked, chip = None, None
        if tracked is not None:
            box, shape, pts = tracked
        else:
            long_side = max(gray.shape[:2])
            found: list[tuple[Box, float]] = []
            if ref_w and prev_box is not None and not due:  # lost between detections: look near it first
                found = _detect_near(gray, prev_box, side / long_side, detector)
            if ref_w and not found:
                found = lm.detect_faces(gray, detect_side=side, detector=detector, fallback=False)
                last_full, faces_seen = t, len(found)
            if not found:
                found = lm.detect_faces(gray, detect_side=cfg.detect_side, detector=detector)
                ref_w = None
                last_full, faces_seen = t, len(found)
            if not found:
                prev, prev_chip, prev_box = None, None, None
                out.append(FrameAnalysis(i, t, None, 0, None, 0.0))
                continue
            box = found[0][0]
            # Keep one detection scale while the face keeps its size: the same picture then gets the same
            # box and the same landmarks (a changing scale moves the box and makes the landmarks jitter).
            if ref_w is None or not (0.75 <= box.w / ref_w <= 1.33):
                ref_w = float(box.w)
                side = int(min(long_side, max(160.0, long_side * cfg.detect_face_px / ref_w)))
            shape = predictor(gray, dlib_api.rectangle(box))
            pts = _points(shape)
            rel = _box_relative(box, pts)
        m = lm.measure(pts, (gray.shape[1], gray.shape[0]), box)
        if chip is None:
            chip = _chip(gray, pts)
        sharpness = _sharpness(gray, box)
        prev, prev_gray, prev_chip, prev_box = pts, gray, chip, box
        out.append(FrameAnalysis(i, t, m, faces_seen, chip, sharpness, shape))
    return out


def _detect_near(
    gray: np.ndarray, prev: Box, scale: float, detector: dlib_api.HogDetector
) -> list[tuple[Box, float]]:
    """HOG faces in the region around the previous box (0.4 box widths on each side) of the copy scaled by
    `scale` — the scale whole-picture detections use — boxes in `gray`'s pixels, largest first. The
    region starts on the detector's 8-pixel cell grid of that copy."""
    h, w = gray.shape[:2]
    scale = min(scale, 1.0)
    margin = 0.4 * prev.w
    x0, y0 = max(0, int(prev.x - margin)), max(0, int(prev.y - margin))
    x1, y1 = min(w, int(prev.x + prev.w + margin) + 1), min(h, int(prev.y + prev.h + margin) + 1)
    crop = gray[y0:y1, x0:x1]
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    small = crop if scale == 1.0 else cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    if min(small.shape[:2]) < 80:  # smaller than the detector's window
        return []
    rects, scores, _ = detector.run(np.ascontiguousarray(small), 0, 0.0)
    found: list[tuple[Box, float]] = []
    for r, sc in zip(rects, scores, strict=True):
        bx0, by0 = r.left() / scale + x0, r.top() / scale + y0
        bx1, by1 = (r.right() + 1) / scale + x0, (r.bottom() + 1) / scale + y0
        found.append((Box(round(bx0), round(by0), round(bx1 - bx0), round(by1 - by0)), sc))
    found.sort(key=lambda bs: (bs[0].w * bs[0].h, bs[1]), reverse=True)
    return found


def _points(shape: Shape) -> np.ndarray:
    return np.array([(shape.part(k).x, shape.part(k).y) for k in range(68)], dtype=np.float32)


def _geometry(pts: np.ndarray) -> tuple[float, float, float]:
    """(centre x, centre y, size) of a face's landmarks: the centre of brows, eyes, nose and mouth, and the
    width of all 68 points."""
    inner = pts[17:68]
    return float(inner[:, 0].mean()), float(inner[:, 1].mean()), max(float(np.ptp(pts[:, 0])), 1.0)


def _box_relative(box: Box, pts: np.ndarray) -> tuple[float, float, float, float]:
    cx, cy, size = _geometry(pts)
    return ((box.x + box.w / 2 - cx) / size, (box.y + box.h / 2 - cy) / size, box.w / size, box.h / size)


def _box_from(pts: np.ndarray, rel: tuple[float, float, float, float]) -> Box:
    cx, cy, size = _geometry(pts)
    w, h = rel[2] * size, rel[3] * size
    return Box(round(cx + rel[0] * size - w / 2), round(cy + rel[1] * size - h / 2), round(w), round(h))


_TRACK_SIDE = 64
_HANNING = cv2.createHanningWindow((_TRACK_SIDE, _TRACK_SIDE), cv2.CV_32F)


def _motion(prev_gray: np.ndarray, gray: np.ndarray, box: Box) -> tuple[float, float]:
    """How far the picture around `box` moved from the previous frame (pixels, phase correlation of the
    region 1.6 box widths wide at 64×64: ≈0.2 ms)."""
    side = box.w * 1.6
    k = _TRACK_SIDE / side
    cx, cy = box.x + box.w / 2.0, box.y + box.h / 2.0
    m = np.array([[k, 0, _TRACK_SIDE / 2 - cx * k], [0, k, _TRACK_SIDE / 2 - cy * k]], dtype=np.float32)

    def cut(g: np.ndarray) -> np.ndarray:
        return np.asarray(
            cv2.warpAffine(
                g, m, (_TRACK_SIDE, _TRACK_SIDE), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
            ),
            dtype=np.float32,
        )

    (dx, dy), _response = cv2.phaseCorrelate(cut(prev_gray), cut(gray), _HANNING)
    return dx / k, dy / k


def _track(
    prev_gray: np.ndarray,
    gray: np.ndarray,
    prev: np.ndarray,
    rel: tuple[float, float, float, float],
    predictor: dlib_api.ShapePredictor,
    tolerance: float,
    max_motion: float,
) -> tuple[Box, Shape, np.ndarray] | None:
    """The face where the previous landmarks were, moved as the picture around it moved: (box, shape,
    points), or None when two landmark fits do not settle (then the caller detects)."""
    box = _box_from(prev, rel)
    dx, dy = _motion(prev_gray, gray, box)
    if float(np.hypot(dx, dy)) > max_motion * box.w:  # a fast movement: the detector places the box
        return None
    box = Box(round(box.x + dx), round(box.y + dy), box.w, box.h)
    for _ in range(2):
        shape = predictor(gray, dlib_api.rectangle(box))
        pts = _points(shape)
        fitted = _box_from(pts, rel)
        shift = float(
            np.hypot(fitted.x + fitted.w / 2 - box.x - box.w / 2, fitted.y + fitted.h / 2 - box.y - box.h / 2)
        )
        if shift <= tolerance * box.w and abs(fitted.w / max(box.w, 1) - 1.0) <= tolerance:
            return box, shape, pts
        box = fitted
    return None


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
    # only compared between frames of one capture (the best frame): 64×64 ranks them as 128×128 does
    crop = cv2.resize(gray[y0:y1, x0:x1], (64, 64), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(crop, cv2.CV_32F).var())


# ----------------------------------------------------------------------------------- still, identity


def _face_thumb(gray: np.ndarray, box: Box) -> np.ndarray:
    h, w = gray.shape[:2]
    x0, y0 = min(max(0, box.x), w - 1), min(max(0, box.y), h - 1)
    x1, y1 = max(x0 + 1, min(w, box.x + box.w)), max(y0 + 1, min(h, box.y + box.h))
    return cv2.resize(gray[y0:y1, x0:x1], (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)


def _repeat_reason(grays: Sequence[np.ndarray], seen: list[FaceFrame], cfg: LivenessConfig) -> str:
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
        cur,
        fitted,
        (size, size),
        flags=cv2.INTER_LINEAR + cv2.WARP_INVERSE_MAP,
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
    Action.BLINK: "eyes",
    Action.OPEN_MOUTH: "mouth",
    Action.TURN_LEFT: "face",
    Action.TURN_RIGHT: "face",
}


def _rigid_actions(
    grays: Sequence[np.ndarray],
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


def _motion_break(seen: list[FaceFrame], cfg: LivenessConfig) -> str:
    """Frames in a random order (a recording shuffled and sent with forged times): every coordinate of the
    face jumps back and forth from picture to picture (face.continuity)."""
    if len(seen) < cfg.motion_min_frames:
        return ""
    value, name = continuity.roughness(seen)
    if value > cfg.max_motion_roughness:
        return (
            f"the face jumps back and forth between consecutive frames (smoothest coordinate {name}: "
            f"roughness {value:.2f} > {cfg.max_motion_roughness})"
        )
    return ""


def unbridged_cuts(seen: list[FaceFrame], cfg: LivenessConfig) -> tuple[int, ...]:
    """Frame indexes that start a new stretch of the capture which could be another face: the transition
    from the previous face frame is suspicious (chip correlation < `suspicious_correlation` or a jump of
    more than `suspicious_jump` inter-ocular distances) and no frame within `bridge_window_ms` after it
    correlates ≥ `bridge_correlation` with a frame within `bridge_window_ms` before it.

    A live face moving (a turn, a wide-open mouth at 5–8 frames/s) decorrelates consecutive chips, but
    the face comes back: a frame shortly after looks like one shortly before (bridges measured ≥ 0.83 on
    every live clip at 5–10 frames/s). Two people never bridge (≤ 0.76 over the 18 splices of the
    evaluation), so only real cuts pay the dlib descriptor check."""
    if len(seen) < 2:
        return ()
    chips = np.stack([f.chip.reshape(-1) for f in seen])
    corr = chips @ chips.T / chips.shape[1]
    times = np.array([f.t_ms for f in seen], dtype=np.int64)
    cuts: list[int] = []
    for k in range(1, len(seen)):
        a, b = seen[k - 1], seen[k]
        iod = max(a.measures.inter_ocular, 1e-6)
        jump = float(np.hypot(*(b.measures.points.mean(axis=0) - a.measures.points.mean(axis=0)))) / iod
        if corr[k - 1, k] >= cfg.suspicious_correlation and jump <= cfg.suspicious_jump:
            continue
        before = np.flatnonzero((times < times[k]) & (times >= times[k] - cfg.bridge_window_ms))
        after = np.flatnonzero((times >= times[k]) & (times <= times[k] + cfg.bridge_window_ms))
        if float(corr[np.ix_(before, after)].max()) >= cfg.bridge_correlation:
            continue
        cuts.append(b.index)
    return tuple(cuts)


def _suspicious_between(cuts: Sequence[int], i: int, j: int) -> bool:
    """Is there an unbridged cut between frames i and j (frame indexes)?"""
    lo, hi = min(i, j), max(i, j)
    return any(lo < c <= hi for c in cuts)


def _descriptor_break(
    embeddings: FrameEmbeddings,
    cuts: Sequence[int],
    best: int,
    results: Sequence[ActionResult],
    cfg: LivenessConfig,
) -> str:
    """The person on the best frame (the one verified) must be the one on every action's peak frame."""
    peaks = [r.frame for r in results if r.frame is not None and r.frame != best]
    if cfg.descriptor_check == "auto":
        peaks = [p for p in peaks if _suspicious_between(cuts, best, p)]
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
