"""face.frames: reading a folder or a video into timed frames, subsampling, encoding and decoding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from face import frames
from face.types import FaceInputError, ReasonCode, TimedFrame


def _write(path, value: int, size=(900, 700)):
    img = np.full((size[1], size[0], 3), value, dtype=np.uint8)
    cv2.imwrite(str(path), img)


def test_folder_in_natural_name_order_with_fps_times(tmp_path):
    for i in (10, 9, 1, 2):
        _write(tmp_path / f"frame_{i}.jpg", i * 10)
    (tmp_path / "notes.txt").write_text("ignored")
    seq = frames.read_folder(tmp_path, fps=4)
    assert [round(float(img.mean()) / 10) for img in seq.images] == [1, 2, 9, 10]
    assert seq.times_ms == (0, 250, 500, 750)
    assert all(max(img.shape[:2]) <= 640 for img in seq.images)  # downscaled


def test_empty_or_broken_folder_is_refused(tmp_path):
    with pytest.raises(FaceInputError) as err:
        frames.read_folder(tmp_path)
    assert err.value.code is ReasonCode.EMPTY_INPUT
    (tmp_path / "a.png").write_bytes(b"\x89PNG broken")
    with pytest.raises(FaceInputError) as err:
        frames.read_folder(tmp_path)
    assert err.value.code is ReasonCode.NOT_AN_IMAGE


def test_subsample_window_keep_source_numbers():
    imgs = tuple(np.zeros((4, 4), np.uint8) for _ in range(90))
    seq = frames.FrameSequence(imgs, tuple(round(i * 1000 / 30) for i in range(90)))
    sub = seq.window(30, 90).subsample(10)
    assert sub.numbers[:3] == (30, 33, 36) and len(sub) == 20
    assert all(b - a == 100 for a, b in zip(sub.times_ms, sub.times_ms[1:], strict=False))
    with pytest.raises(ValueError):
        seq.subsample(0)


@pytest.mark.face
def test_video_reading(faces_dir):
    seq = frames.read_video(faces_dir / "videos/d13.mp4")  # 720×1280 portrait, 30 fps
    assert len(seq) == 352 and max(seq.images[0].shape[:2]) == 640
    assert seq.times_ms[30] == 1000
    assert len(frames.read_video(faces_dir / "videos/d13.mp4", fps=10)) == 118


def test_encode_decode_round_trip_and_refusals():
    img = np.random.default_rng(1).integers(0, 255, (480, 1280, 3), dtype=np.uint8)
    (tf,) = frames.to_timed_frames([img], [40])
    assert tf.t_ms == 40
    back = frames.decode(tf)
    assert back.shape == (240, 640, 3)
    with pytest.raises(FaceInputError) as err:
        frames.decode(TimedFrame(b"", 0))
    assert err.value.code is ReasonCode.EMPTY_INPUT
    with pytest.raises(FaceInputError) as err:
        frames.decode(TimedFrame(b"GIF89a nonsense", 0), 7)
    assert err.value.code is ReasonCode.NOT_AN_IMAGE and "7" in err.value.message
