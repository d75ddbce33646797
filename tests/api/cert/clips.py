"""Real frames from ../shared/faces/videos, encoded as the app sends them (JPEG, capture times in ms).

The passing clip: d10.mp4 frames 60..239, every 6th (5 fps, 30 frames, 6 s) holds a neutral start, a
wide-open mouth (~frame 96-106) and then a blink (~frame 142): the challenge (open_mouth, blink) passes,
(blink, open_mouth) does not (checked with face.liveness.evaluate). Its frame 0 is the reference photo.
d18.mp4 is another man: his frame 0 is "another person's face".
"""

from __future__ import annotations

from functools import lru_cache

from tests.shared_data import require_shared

PASSING_ACTIONS = ("open_mouth", "blink")


@lru_cache(maxsize=8)
def clip_frames(clip: str, start: int, stop: int, step: int) -> tuple[tuple[bytes, int], ...]:
    import cv2

    path = require_shared("faces", "videos", clip)
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    frames: list[tuple[bytes, int]] = []
    index = 0
    while index < stop:
        ok, image = capture.read()
        if not ok:
            break
        if index >= start and (index - start) % step == 0:
            ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
            assert ok
            frames.append((encoded.tobytes(), round(index * 1000 / fps)))
        index += 1
    capture.release()
    return tuple(frames)


def live_frames() -> tuple[tuple[bytes, int], ...]:
    return clip_frames("d10.mp4", 60, 240, 6)


def reference_photo(clip: str = "d10.mp4") -> bytes:
    return clip_frames(clip, 0, 1, 1)[0][0]


def still_frames() -> tuple[tuple[bytes, int], ...]:
    """The first live frame repeated with the live capture times: the simplest photo attack."""
    frames = live_frames()
    return tuple((frames[0][0], t) for _, t in frames)


def multipart(frames, *, consent: bool = True, keep_reference: bool = False) -> dict:
    files = [("frames", (f"f{i:02d}.jpg", data, "image/jpeg")) for i, (data, _) in enumerate(frames)]
    data = {"times_ms": ",".join(str(t) for _, t in frames), "consent": str(consent).lower()}
    if keep_reference:
        data["keep_reference"] = "true"
    return {"files": files, "data": data}
