"""Live quality hints: the server-side cost of one preview picture (``FaceEngine.check``, what
``POST /api/v1/challenges/{id}/preview`` runs) on web-camera-sized frames of a real clip.

    .venv/bin/python -m bench.preview_check [--frames 30]

Prints the p50/p90/max milliseconds per check after warm-up, and the verdicts seen. The app sends about
one preview picture a second (app/common/preview.py), so one engine slot serves roughly 1000 / p50 phones at
once while they are getting ready.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

import cv2

from face.engine import FaceEngine
from tests.shared_data import require_shared


def frames(count: int) -> list[bytes]:
    capture = cv2.VideoCapture(str(require_shared("faces", "videos", "d10.mp4")))
    out: list[bytes] = []
    while len(out) < count:
        ok, image = capture.read()
        if not ok:
            break
        image = cv2.resize(image, (640, 480))  # what flet-camera's MEDIUM preset gives in Chromium
        out.append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
        for _ in range(5):  # a picture a second of a 25 fps clip is too sparse; every 6th frame
            capture.grab()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()
    pictures = frames(args.frames)
    engine = FaceEngine()
    started = time.perf_counter()
    engine.warm_up()
    print(f"warm-up: {time.perf_counter() - started:.1f} s")
    engine.check(pictures[0])
    times: list[float] = []
    reasons: Counter[str] = Counter()
    for data in pictures:
        t0 = time.perf_counter()
        result = engine.check(data)
        times.append((time.perf_counter() - t0) * 1000)
        reasons[result.quality.reason.value] += 1
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    print(
        f"preview check, {len(times)} pictures 640x480 (~{len(pictures[0]) // 1024} KB): "
        f"p50 {statistics.median(times):.0f} ms, p90 {p90:.0f} ms, max {times[-1]:.0f} ms"
    )
    print("verdicts:", dict(reasons))


if __name__ == "__main__":
    main()
