"""Motion continuity: do the face's consecutive pictures follow one another like a real movement?

A live face moves smoothly: from one picture to the next its position, size, pose, eyes and mouth change
little compared with how far apart the pictures of the whole capture lie, at least in SOME of these
coordinates (a lively head may turn back and forth between pictures at 5 a second, but then its size or
its roll drifts slowly, or its mouth stays shut for a while). A recording whose frames were shuffled and
sent with forged increasing capture times jumps back and forth in EVERY coordinate: its consecutive
pictures are as far apart as two pictures taken at random.

`roughness(frames)` measures that per coordinate — the mean step between consecutive face frames over the
mean distance between any two face frames (about 1 for a random order, 0 for a perfectly smooth path) —
and returns the smallest over the coordinates. The capture times are deliberately not used: a forger
chooses them (any spacing up to `max_median_interval_ms` passes the timing rules), so a rule scaled by
them would be loosened by the very attacker it is meant to stop; the slowest honest camera (5 pictures a
second, jittered) is where live captures are roughest, and the threshold is set on it
(bench/motion_continuity.py, docs/face-evaluation.md section 5).

What it does not catch: a reversed recording is exactly as smooth as the original (a blink played
backwards is a blink; the challenge's random order of actions is what stops a replay), and an attacker who
reorders the frames along a smooth path (nearest pose first) rather than at random.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from face import landmarks as lm

COORDINATES = ("x", "y", "size", "yaw", "pitch", "roll", "eyes", "mouth")


class _Frame(Protocol):
    @property
    def measures(self) -> lm.FaceMeasures: ...


def track(frames: Sequence[_Frame]) -> np.ndarray:
    """(n, 8) coordinates of each face frame (COORDINATES): landmark centroid x, y and log face size in
    inter-ocular distances of the capture's median face, nose-offset yaw proxy, solvePnP pitch and roll
    (degrees), mean eye aspect ratio, inner-lip ratio. Each is compared only with itself, so units do not
    matter."""
    ms = [f.measures for f in frames]
    iod = max(float(np.median([m.inter_ocular for m in ms])), 1e-6) if ms else 1.0
    rows = []
    for m in ms:
        c = m.points.mean(axis=0) / iod
        rows.append(
            (
                float(c[0]),
                float(c[1]),
                float(np.log(max(m.inter_ocular, 1e-6) / iod)),
                m.yaw_proxy,
                m.pitch_deg,
                m.roll_deg,
                m.ear,
                m.mouth,
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(COORDINATES))


def roughness_per_coordinate(frames: Sequence[_Frame]) -> dict[str, float]:
    """Mean consecutive step / mean distance between any two frames, per coordinate (empty under 3 frames)."""
    x = track(frames)
    n = len(x)
    if n < 3:
        return {}
    steps = np.abs(np.diff(x, axis=0)).mean(axis=0)
    # mean |x_i − x_j| over the pairs i < j from the sorted values (Σ x_(k)·(2k − n + 1)): O(n log n) and
    # no n×n array (a capture may hold up to `max_frames` pictures)
    ranks = 2.0 * np.arange(n) - n + 1
    pairs = (np.sort(x, axis=0) * ranks[:, None]).sum(axis=0) / (n * (n - 1) / 2)
    return {
        name: float(s / p) if p > 1e-12 else 0.0 for name, s, p in zip(COORDINATES, steps, pairs, strict=True)
    }


def roughness(frames: Sequence[_Frame]) -> tuple[float, str]:
    """The smoothest coordinate's roughness and its name ((0.0, "") under 3 frames)."""
    per = roughness_per_coordinate(frames)
    if not per:
        return 0.0, ""
    name = min(per, key=lambda k: per[k])
    return per[name], name
