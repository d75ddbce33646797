"""Chromium's fake camera plays a Y4M file (``--use-file-for-fake-video-capture``): made here with OpenCV
from the real clips and photos in ../shared/faces (no ffmpeg)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np


def write_y4m(path: Path, frames_bgr: Iterable[np.ndarray], fps: int = 25) -> Path:
    frames = list(frames_bgr)
    h, w = frames[0].shape[:2]
    assert w % 2 == 0 and h % 2 == 0, "4:2:0 needs even sizes"
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for bgr in frames:
            f.write(b"FRAME\n" + cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420).tobytes())
    return path


def read_clip(path: Path, start: int = 0, stop: int | None = None) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames: list[np.ndarray] = []
    index = 0
    while stop is None or index < stop:
        ok, image = capture.read()
        if not ok:
            break
        if index >= start:
            frames.append(image)
        index += 1
    capture.release()
    return frames


def still_y4m(path: Path, photo_bgr: np.ndarray, seconds: float = 4.0, fps: int = 25) -> Path:
    """A photo held in front of the camera: the same picture in every frame."""
    return write_y4m(path, [photo_bgr] * round(seconds * fps), fps)


def _fill(frames: list[np.ndarray], count: int) -> list[np.ndarray]:
    """``count`` frames from ``frames`` played forwards and backwards (natural small movement, no jump)."""
    cycle = frames + frames[-2:0:-1]
    return [cycle[i % len(cycle)] for i in range(count)]


def challenge_y4m(path: Path, clip: Path, fps: int = 25) -> Path:
    """d10.mp4 rearranged to the timing of the client's capture for the challenge (open_mouth, blink).

    Measured in headless Chromium with a numbered clip (machine under load): the file starts when the camera
    opens; the client takes its still-face pictures at ~0.6-1.2 s of the file, then shows each instruction
    for 1 s before ~2 s of pictures: open_mouth ~2.2-4.1 s, blink ~5.1-6.9 s. Per-frame landmark measures of
    d10 (68-point eye and inner-lip ratios): frames 152-220 are neutral (eyes open, mouth closed), 94-110 a
    wide-open mouth, 221-225 a clear blink. So: neutral to 2.4 s, the mouth 2.4-4.4 s (each frame three
    times), neutral to 5.3 s, the blink 5.3-6.6 s (frames 218-228, each three times), neutral to 10 s; the
    file then loops. Every boundary has about half a second to spare either way.
    """
    source = read_clip(clip, 0, 232)
    neutral = source[152:221]

    frames = _fill(neutral, round(2.4 * fps))
    frames += [f for f in source[94:111] for _ in range(3)]
    frames += _fill(neutral, round(5.3 * fps) - len(frames))
    frames += [f for f in source[218:229] for _ in range(3)]
    frames += _fill(neutral, round(10 * fps) - len(frames))
    return write_y4m(path, frames, fps)
