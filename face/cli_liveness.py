"""`python -m face liveness --actions blink,open_mouth --frames PATH [--fps N] [--times-ms T1,T2,…]`.

PATH is a video file or a folder of images taken in name order. `--fps`: for a folder, the rate the
pictures were taken at (timestamps; default 10); for a video, subsample it to N frames per second (what
a phone or browser camera would send) — without it every frame is used, timed by the video's own rate.
`--times-ms`: the true capture time of every frame (as the API's `times_ms`), one per picture of the folder
or per frame read from the video (after `--fps`), so an irregular capture can be replayed as it came.

Prints one JSON object: {"live": bool, "actions": [{"action", "passed", "frame"}], "reason", "best_frame"};
`frame` and `best_frame` are frame numbers in the source (video frame number / image position in name
order). Exit 0 whatever the decision; an unusable input (no such path, unreadable video or image, unknown
action, bad --fps) exits 2 with {"error": CODE, "message": TEXT}.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from face.types import Action, FaceInputError

EXIT_UNUSABLE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print usage and exit 2 without JSON
        raise _UsageError(message)


def _emit(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _fail(code: str, message: str) -> int:
    _emit({"error": code, "message": message})
    return EXIT_UNUSABLE


def parse_actions(text: str) -> list[Action]:
    names = [a.strip() for a in text.split(",") if a.strip()]
    if not names:
        raise _UsageError("--actions needs at least one of " + ", ".join(a.value for a in Action))
    out = []
    for name in names:
        try:
            out.append(Action(name))
        except ValueError:
            raise _UsageError(f"unknown action {name!r}; use {', '.join(a.value for a in Action)}") from None
    if len(set(out)) != len(out):
        raise _UsageError("an action may appear only once in a challenge")
    return out


def parse_times(text: str) -> list[int]:
    try:
        times = [int(round(float(t))) for t in text.split(",") if t.strip()]
    except ValueError:
        raise _UsageError("--times-ms must be comma-separated numbers (milliseconds)") from None
    if not times:
        raise _UsageError("--times-ms needs at least one time")
    return times


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m face liveness", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--actions", required=True, help="comma-separated: blink, open_mouth, turn_left, turn_right"
    )
    p.add_argument("--frames", required=True, help="a video file or a folder of images (name order)")
    p.add_argument(
        "--fps", type=float, default=None, help="folder: capture rate (default 10); video: subsample"
    )
    p.add_argument("--times-ms", default=None, help="capture time of each frame in ms (the API's times_ms)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        build_parser().print_help()
        return 0
    try:
        args = build_parser().parse_args(argv)
        actions = parse_actions(args.actions)
        if args.fps is not None and not (0.5 <= args.fps <= 120):
            raise _UsageError("--fps must be between 0.5 and 120")
        times = parse_times(args.times_ms) if args.times_ms else None
    except _UsageError as exc:
        return _fail("bad_arguments", str(exc))

    from face import liveness
    from face.frames import read_frames

    try:
        seq = read_frames(args.frames, fps=args.fps)
        if times is not None and len(times) != len(seq):
            return _fail("bad_arguments", f"--times-ms gives {len(times)} times for {len(seq)} frames")
        result = liveness.evaluate_arrays(actions, seq.images, times if times is not None else seq.times_ms)
    except FaceInputError as exc:
        return _fail(exc.code.value, exc.message)

    def number(i: int | None) -> int | None:
        return None if i is None else seq.numbers[i]

    _emit(
        {
            "live": result.live,
            "actions": [
                {"action": a.action.value, "passed": a.passed, "frame": number(a.frame)}
                for a in result.actions
            ],
            "reason": result.reason.value,
            "best_frame": number(result.best_frame),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
