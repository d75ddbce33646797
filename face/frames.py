"""Frame sequences for active liveness: read a video file or a folder of images, subsample, encode.

A `FrameSequence` holds decoded BGR images (downscaled to ≤ 640 px long side) with capture times in
milliseconds. Videos take their times from the container's frame rate; a folder of images (taken in name
order) takes them from the given frames per second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from face.types import FaceInputError, ReasonCode, TimedFrame

MAX_SIDE = 640
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"})
DEFAULT_FOLDER_FPS = 10.0
MAX_FRAMES = 2000  # a guard against reading an hour of video into memory


@dataclass(frozen=True, slots=True, eq=False)
class FrameSequence:
    images: tuple[np.ndarray, ...]
    times_ms: tuple[int, ...]
    source: str = ""
    numbers: tuple[int, ...] = ()  # each frame's number in the source (video frame / image in name order)

    def __post_init__(self) -> None:
        if not self.numbers:
            object.__setattr__(self, "numbers", tuple(range(len(self.images))))

    def __len__(self) -> int:
        return len(self.images)

    def pick(self, keep: list[int]) -> FrameSequence:
        """The frames at positions `keep`, in that order."""
        return FrameSequence(
            tuple(self.images[i] for i in keep),
            tuple(self.times_ms[i] for i in keep),
            self.source,
            tuple(self.numbers[i] for i in keep),
        )

    def window(self, start: int, stop: int) -> FrameSequence:
        """Frames [start, stop) with their original capture times and numbers."""
        return self.pick(list(range(len(self.images)))[start:stop])

    def subsample(self, fps: float) -> FrameSequence:
        """Keep the frames closest to a steady `fps` grid (what a camera taking pictures at `fps` sends)."""
        if fps <= 0:
            raise ValueError("fps must be positive")
        if not self.images:
            return self
        step = 1000.0 / fps
        t0 = self.times_ms[0]
        keep: list[int] = []
        target = float(t0)
        times = np.asarray(self.times_ms, dtype=np.float64)
        while target <= times[-1] + 1e-6:
            i = int(np.argmin(np.abs(times - target)))
            if not keep or i > keep[-1]:
                keep.append(i)
            target += step
        return self.pick(keep)


def downscale(image: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    h, w = image.shape[:2]
    long_side = max(h, w)
    if long_side <= max_side:
        return image
    scale = max_side / long_side
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def read_video(path: str | Path, *, fps: float | None = None, max_side: int = MAX_SIDE) -> FrameSequence:
    """All frames of a video (times from its frame rate), optionally subsampled to `fps`."""
    path = Path(path)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"cannot open the video {path.name}")
        native = cap.get(cv2.CAP_PROP_FPS) or 0.0
        if not (1.0 <= native <= 240.0):
            native = 30.0
        images: list[np.ndarray] = []
        while len(images) < MAX_FRAMES:
            ok, frame = cap.read()
            if not ok:
                break
            images.append(downscale(frame, max_side))
    finally:
        cap.release()
    if not images:
        raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"no frames could be read from {path.name}")
    times = tuple(round(i * 1000.0 / native) for i in range(len(images)))
    seq = FrameSequence(tuple(images), times, str(path))
    return seq.subsample(fps) if fps else seq


def natural_key(path: Path) -> tuple[int | str, ...]:
    """Name order with numbers compared as numbers: frame_9.jpg before frame_10.jpg."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name))


def read_folder(
    path: str | Path, *, fps: float = DEFAULT_FOLDER_FPS, max_side: int = MAX_SIDE
) -> FrameSequence:
    """The images of a folder in name order (numbers compared as numbers), one every 1/fps seconds."""
    path = Path(path)
    if fps <= 0:
        raise ValueError("fps must be positive")
    files = sorted(
        (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=natural_key
    )
    if not files:
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"no images (.jpg, .png, ...) in the folder {path}")
    if len(files) > MAX_FRAMES:
        raise FaceInputError(ReasonCode.TOO_LARGE, f"too many images in {path} (at most {MAX_FRAMES})")
    images = []
    for f in files:
        img = cv2.imdecode(np.fromfile(str(f), dtype=np.uint8), cv2.IMREAD_COLOR)
        if img is None:
            raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"{f.name} is not a readable image")
        images.append(downscale(img, max_side))
    times = tuple(round(i * 1000.0 / fps) for i in range(len(images)))
    return FrameSequence(tuple(images), times, str(path))


def read_frames(path: str | Path, *, fps: float | None = None) -> FrameSequence:
    """A video file (subsampled to `fps` when given) or a folder of images (taken at `fps`, default 10)."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path, fps=fps or DEFAULT_FOLDER_FPS)
    if not path.exists():
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"{path} does not exist")
    return read_video(path, fps=fps)


def encode(image: np.ndarray, *, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise FaceInputError(ReasonCode.NOT_AN_IMAGE, "could not encode a frame")
    return buf.tobytes()


def to_timed_frames(
    images: Sequence[np.ndarray], times_ms: Sequence[int], *, quality: int = 90
) -> list[TimedFrame]:
    """JPEG-encode decoded frames into what the API receives."""
    return [TimedFrame(encode(img, quality=quality), int(t)) for img, t in zip(images, times_ms, strict=True)]


def decode(frame: TimedFrame, index: int | None = None) -> np.ndarray:
    """One encoded frame to a BGR array (≤ 640 px); FaceInputError(NOT_AN_IMAGE) when it is not an image."""
    where = "" if index is None else f" {index}"
    if not frame.data:
        raise FaceInputError(ReasonCode.EMPTY_INPUT, f"frame{where} is empty")
    img = cv2.imdecode(np.frombuffer(frame.data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"frame{where} is not a JPEG or PNG image")
    return downscale(img)
