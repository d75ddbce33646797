"""`python -m face decide --reference IMG --frames DIR --actions A,B,C [--fps N] [--repeat N]`.

One whole certification decision (FaceEngine.decide: liveness → verification of the best frame →
anti-spoofing → identity consistency) on a folder of encoded pictures (name order, read as the bytes the
API receives) against the reference picture's template, timed against the hardware floor measured in the
same process on the same frames: decoding every frame, one HOG detection, the 68 landmarks on every frame
and one dlib descriptor — the least any decision built on dlib must do. The decision and the floor are
run alternately `--repeat` times (after one untimed warm-up of each), so a machine shared with other work
loads both alike: compare the ratio, not the milliseconds.

Prints one JSON object: {"live", "match", "outcome", "reason", "frames", "ms_p50", "floor_ms_p50",
"ratio", "timings_ms"}. Exit 0 whatever the decision; an unusable input exits 2 with {"error", "message"}.
`--times-ms T1,T2,…` gives the true capture times (one per picture) instead of a steady `--fps`.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from face import dlib_api
from face import landmarks as lm
from face.cli_liveness import _emit, _fail, _Parser, _UsageError, parse_actions, parse_times
from face.frames import IMAGE_SUFFIXES, MAX_FRAMES, downscale, natural_key
from face.types import Action, FaceInputError, ReasonCode, Template, TimedFrame


def build_parser() -> _Parser:
    p = _Parser(prog="python -m face decide", description=__doc__.split("\n\n")[0])
    p.add_argument("--reference", required=True, help="the reference picture (the photo on file)")
    p.add_argument("--frames", required=True, help="a folder of pictures, taken in name order")
    p.add_argument(
        "--actions", required=True, help="comma-separated: blink, open_mouth, turn_left, turn_right"
    )
    p.add_argument("--fps", type=float, default=10.0, help="the rate the pictures were taken at (default 10)")
    p.add_argument("--times-ms", default=None, help="capture time of each picture in ms (instead of --fps)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs of the decision and of the floor")
    return p


def read_folder_bytes(folder: Path, fps: float, times: Sequence[int] | None) -> list[TimedFrame]:
    if not folder.is_dir():
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"no such folder: {folder}")
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=natural_key
    )
    if not files:
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"no images (.jpg, .png, ...) in the folder {folder}")
    if len(files) > MAX_FRAMES:
        raise FaceInputError(ReasonCode.TOO_LARGE, f"too many images in {folder} (at most {MAX_FRAMES})")
    if times is not None and len(times) != len(files):
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"{len(times)} times for {len(files)} pictures")
    stamps = list(times) if times is not None else [round(i * 1000.0 / fps) for i in range(len(files))]
    return [TimedFrame(p.read_bytes(), int(t)) for p, t in zip(files, stamps, strict=True)]


def _decode(data: bytes, flags: int) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None:
        raise FaceInputError(ReasonCode.NOT_AN_IMAGE, "a frame is not a JPEG or PNG image")
    return np.asarray(image)


def floor(frames: Sequence[TimedFrame]) -> None:
    """What any dlib decision must do: decode every frame (grey), one HOG detection, 68 landmarks on every
    frame with that box, the colour of one frame and its descriptor."""
    from face.models import face_recogniser, frontal_face_detector, landmarks_68

    predictor = landmarks_68()
    grays = [downscale(_decode(f.data, cv2.IMREAD_GRAYSCALE)) for f in frames]
    found = lm.detect_faces(grays[0], detector=frontal_face_detector())
    if not found:
        raise FaceInputError(ReasonCode.NO_FACE, "no face on the first frame (the floor needs one)")
    rect = dlib_api.rectangle(found[0][0])
    shapes = [predictor(g, rect) for g in grays]
    color = downscale(_decode(frames[0].data, cv2.IMREAD_COLOR))
    rgb = np.ascontiguousarray(color[:, :, ::-1])
    face_recogniser().compute_face_descriptor(rgb, shapes[0])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        build_parser().print_help()
        return 0
    try:
        args = build_parser().parse_args(argv)
        actions: list[Action] = parse_actions(args.actions)
        times = parse_times(args.times_ms) if args.times_ms else None
        if not (0.5 <= args.fps <= 120):
            raise _UsageError("--fps must be between 0.5 and 120")
        if not (1 <= args.repeat <= 1000):
            raise _UsageError("--repeat must be between 1 and 1000")
    except _UsageError as exc:
        return _fail("bad_arguments", str(exc))

    from face.engine import FaceEngine

    engine = FaceEngine()
    try:
        ref_path = Path(args.reference)
        if not ref_path.is_file():
            raise FaceInputError(ReasonCode.EMPTY_INPUT, f"no such file: {ref_path}")
        frames = read_folder_bytes(Path(args.frames), args.fps, times)
        engine.warm_up()
        reference: Template = engine.template(ref_path.read_bytes())
        decision = engine.decide(actions, frames, [reference])  # untimed: first-call caches
        floor(frames)
    except FaceInputError as exc:
        return _fail(exc.code.value, exc.message)
    ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        decision = engine.decide(actions, frames, [reference])
        ms.append((time.perf_counter() - t) * 1000.0)
        t = time.perf_counter()
        floor(frames)
        floor_ms.append((time.perf_counter() - t) * 1000.0)
    p50, floor_p50 = statistics.median(ms), statistics.median(floor_ms)
    _emit(
        {
            "live": decision.liveness.live if decision.liveness is not None else False,
            "match": decision.verify.match if decision.verify is not None else None,
            "outcome": decision.outcome.value,
            "reason": decision.reason.value,
            "frames": len(frames),
            "ms_p50": round(p50, 1),
            "floor_ms_p50": round(floor_p50, 1),
            "ratio": round(p50 / floor_p50, 2) if floor_p50 > 0 else None,
            "timings_ms": decision.timings_ms,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
