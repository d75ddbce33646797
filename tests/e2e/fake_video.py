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


# The quality hints before the first instruction (app/common/preview.py) take about this long in the browser with
# a warm face engine: the first preview picture right after the camera opens, the second ~1 s later, its
# answer ~0.3-0.6 s after that (take_picture, WebSocket, HTTP, FaceEngine.check).
PREVIEW_LEAD_S = 1.5


def challenge_y4m(path: Path, clip: Path, fps: int = 25, lead_s: float = PREVIEW_LEAD_S) -> Path:
    """d10.mp4 rearranged to the timing of the client's capture for the challenge (open_mouth, blink).

    The file starts when the camera opens. The client first checks preview pictures until two in a row are
    good (``lead_s``, the face is neutral meanwhile), then waits 0.5 s and takes 5 still-face pictures
    (lead+0.5-1.0 s), then shows each instruction for 1 s before 14 pictures at 10 a second: open_mouth at
    ~lead+2.0-3.4 s, blink at ~lead+4.4-5.8 s, and 0.6 s more pictures after it (app/common/capture.py). Per-frame
    landmark measures of d10 (68-point eye and inner-lip ratios): frames 152-220 are neutral (eyes open,
    mouth closed), 94-110 a wide-open mouth, 221-225 a clear blink. So: neutral to lead+1.8 s, the mouth
    lead+1.8-3.8 s (each frame three times), neutral to lead+4.6 s, the blink lead+4.6-5.9 s (frames 218-228,
    each three times), neutral to 14 s; the file then loops. A preview that ends half a second earlier or
    later still has the mouth and the blink inside their picture windows (the blink also in the 0.6 s tail).
    """
    source = read_clip(clip, 0, 232)
    neutral = source[152:221]

    frames = _fill(neutral, round((lead_s + 1.8) * fps))
    frames += [f for f in source[94:111] for _ in range(3)]
    frames += _fill(neutral, round((lead_s + 4.6) * fps) - len(frames))
    frames += [f for f in source[218:229] for _ in range(3)]
    frames += _fill(neutral, round(14 * fps) - len(frames))
    return write_y4m(path, frames, fps)


def letterbox(image: np.ndarray, size: int = 512) -> np.ndarray:
    """``image`` scaled into a black ``size``×``size`` square (aspect kept)."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    resized = cv2.resize(image, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2))
    canvas = np.zeros((size, size, 3), np.uint8)
    y, x = (size - resized.shape[0]) // 2, (size - resized.shape[1]) // 2
    canvas[y:y + resized.shape[0], x:x + resized.shape[1]] = resized
    return canvas


def hints_y4m(path: Path, face_bgr: np.ndarray, scene_bgr: np.ndarray, fps: int = 5) -> Path:
    """For the quality hints: the face in near darkness for 4 s, then a scene with two people for 20 s
    (still pictures, so a low frame rate keeps the file small)."""
    dark = (letterbox(face_bgr).astype(np.float32) * 0.12).astype(np.uint8)
    return write_y4m(path, [dark] * (4 * fps) + [letterbox(scene_bgr)] * (20 * fps), fps)
