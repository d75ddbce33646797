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


def letterbox(image: np.ndarray, size: int = 512) -> np.ndarray:
    """``image`` scaled into a black ``size``×``size`` square (aspect kept)."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    resized = cv2.resize(image, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2))
    canvas = np.zeros((size, size, 3), np.uint8)
    y, x = (size - resized.shape[0]) // 2, (size - resized.shape[1]) // 2
    canvas[y : y + resized.shape[0], x : x + resized.shape[1]] = resized
    return canvas


def hints_y4m(path: Path, face_bgr: np.ndarray, scene_bgr: np.ndarray, fps: int = 5) -> Path:
    """For the quality hints: the face in near darkness for 4 s, then a scene with two people for 20 s
    (still pictures, so a low frame rate keeps the file small)."""
    dark = (letterbox(face_bgr).astype(np.float32) * 0.12).astype(np.uint8)
    return write_y4m(path, [dark] * (4 * fps) + [letterbox(scene_bgr)] * (20 * fps), fps)
