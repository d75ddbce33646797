"""The upload intake (``api/evidence/intake.py``) on hostile and honest samples: how long a refusal takes
and how much the process grows.

    PYTHONPATH=. .venv/bin/python -m bench.upload_intake [--repeat 200] [--fuzz-seconds 0]

Prints, per sample, the p50 and max milliseconds per ``check_upload`` and the outcome; then the peak
resident size before and after (a decoded 32000x32000 bomb would add about 1 GB). The issue's target:
a bomb refused in under 100 ms without allocating its pixels. ``--fuzz-seconds N`` then mutates honest
and hostile samples at random for N seconds: every outcome must be acceptance or an ``IntakeRefused``
(anything else is raised), and the outcomes and the slowest check are printed.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections import Counter

from api.core.settings import IntakeSettings
from api.evidence.intake import DOCUMENT_KINDS, WEBP, IntakeRefused, check_upload
from tests.api import intake_samples as samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--fuzz-seconds", type=float, default=0.0)
    args = parser.parse_args()
    limits = IntakeSettings()
    cases = {
        "jpeg 32000x32000 header bomb": samples.jpeg_claiming(32000, 32000),
        "jpeg 60000x60000 header bomb": samples.jpeg_claiming(60000, 60000),
        "png 12000x12000 header bomb": samples.png_claiming(12000, 12000),
        "truncated jpeg 320x240": samples.truncated_jpeg(),
        "16-byte fake pdf": samples.FAKE_PDF,
        "honest jpeg 640x480 (a frame)": samples.jpeg(640, 480),
        "honest jpeg 4000x3000 (a phone photo)": samples.jpeg(4000, 3000),
        "honest pdf, 3 pages": samples.pdf(3),
    }
    check_upload(samples.jpeg(), allowed=DOCUMENT_KINDS, max_bytes=10**9, limits=limits)  # warm up
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, data in cases.items():
        times = []
        outcome = "accepted"
        for _ in range(args.repeat):
            start = time.perf_counter()
            try:
                check_upload(data, allowed=DOCUMENT_KINDS, max_bytes=10**9, limits=limits)
            except IntakeRefused as exc:
                outcome = f"refused {exc.status} {exc.code}"
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:40s} {len(data):>9,d} B  p50 {statistics.median(times):7.3f} ms"
            f"  max {max(times):7.3f} ms  {outcome}"
        )
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident size: {before / 1024:.0f} MB before, {after / 1024:.0f} MB after")
    if args.fuzz_seconds > 0:
        fuzz(args.fuzz_seconds)


def fuzz(seconds: float) -> None:
    seeds = [
        samples.jpeg(48, 32),
        samples.png(48, 32),
        samples.pdf(2),
        samples.webp_claiming(8, 8),
        samples.jpeg_claiming(300, 200),
        samples.png_claiming(100, 100),
    ]
    limits = IntakeSettings(max_image_pixels=1_000_000, max_frame_pixels=1_000_000, max_pdf_pages=5)
    rng = random.Random(7)
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(0, 8)):
            op = rng.random()
            if op < 0.6:
                data[rng.randrange(len(data))] = rng.randrange(256)
            elif op < 0.8:
                del data[max(1, rng.randrange(len(data))) :]
            else:
                at = rng.randrange(len(data))
                data[at : at + 1] = rng.randbytes(rng.randint(1, 16))
        start = time.perf_counter()
        try:
            check_upload(bytes(data), allowed=(*DOCUMENT_KINDS, WEBP), max_bytes=10**9, limits=limits)
            outcomes["accepted"] += 1
        except IntakeRefused as exc:
            outcomes[exc.code] += 1
        slowest = max(slowest, time.perf_counter() - start)
    print(f"fuzz: {sum(outcomes.values()):,} inputs in {seconds:.0f} s, {dict(outcomes)}")
    print(f"fuzz: slowest check {slowest * 1000:.1f} ms; no exception other than IntakeRefused")


if __name__ == "__main__":
    main()
