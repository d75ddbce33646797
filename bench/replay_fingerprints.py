"""Why the replay check (api/challenges/replay.py) compares frame bytes, not a perceptual hash: how far
apart the 64-bit DCT hashes of a replayed recording and of genuinely different recordings lie, on the
clips of ../shared/faces/videos.

    .venv/bin/python bench/replay_fingerprints.py

Each clip is read at 10 frames a second and cut into windows of 3 s (30 frames, what the app sends). For
each window:
- replayed: the same frames re-encoded (JPEG quality 90 → 70) and rescaled (×0.75) — a replay whose
  bytes an attacker changed; each frame's distance to its original;
- same person, later: every later window of the same clip (same person, place and camera, 3 s or more
  later — what a person retrying in the same chair sends); each frame's nearest distance to any frame
  of the earlier window, and the largest share of a later window's frames within d of ONE earlier window;
- other people: the first window of every other clip.
And the byte digests (what the check uses): how many frames of a later window are byte-identical to a
frame of an earlier one (re-encoding the same decoded video frame is deterministic, so only the same
frame gives the same bytes; a camera's sensor noise never repeats).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from face.frames import read_video  # noqa: E402

VIDEOS = ROOT.parent / "shared" / "faces" / "videos"
FPS = 10.0
WINDOW = 30
DISTANCES = (0, 2, 4, 6, 8, 10, 12, 16)


def _jpeg(image: np.ndarray, quality: int) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def phash(data: bytes) -> int:
    """64-bit DCT hash: grey at 1/4 scale, 32×32, the 8×8 lowest frequencies against their median."""
    gray = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_4)
    small = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8].flatten()
    bits = low > np.median(low[1:])
    bits[0] = False
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def _nearest(value: int, others: list[int]) -> int:
    return min((value ^ o).bit_count() for o in others)


def _share(values: list[int], d: int) -> str:
    return f"{sum(v <= d for v in values) / max(1, len(values)):.2f}"


def main() -> int:
    if not VIDEOS.is_dir():
        print(f"no clips at {VIDEOS}")
        return 1
    replayed: list[int] = []
    later: list[int] = []
    worst: dict[int, tuple[float, str]] = dict.fromkeys(DISTANCES, (0.0, ""))
    others: list[int] = []
    byte_hits = byte_frames = 0
    first: dict[str, list[int]] = {}
    for path in sorted(VIDEOS.glob("*.mp4")):
        images = list(read_video(path, fps=FPS).images)
        windows = [images[i : i + WINDOW] for i in range(0, len(images) - WINDOW + 1, WINDOW)]
        encoded = [[_jpeg(img, 90) for img in w] for w in windows]
        hashes = [[phash(data) for data in w] for w in encoded]
        digests = [{hashlib.sha256(data).digest() for data in w} for w in encoded]
        if hashes:
            first[path.stem] = hashes[0]
        for w, hs in zip(windows, hashes, strict=True):
            for img, h in zip(w, hs, strict=True):
                small = cv2.resize(img, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
                replayed.append((h ^ phash(_jpeg(small, 70))).bit_count())
        for a in range(len(hashes)):
            for b in range(a + 1, len(hashes)):
                nearest = [_nearest(h, hashes[a]) for h in hashes[b]]
                later += nearest
                for d in DISTANCES:
                    share = sum(n <= d for n in nearest) / len(nearest)
                    worst[d] = max(worst[d], (share, path.stem))
                byte_hits += len(digests[b] & digests[a])
                byte_frames += len(digests[b])
    names = sorted(first)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            others += [_nearest(h, first[a]) for h in first[b]]
    print(f"frames: replayed {len(replayed)}, same person later {len(later)}, other people {len(others)}")
    print(
        "| d (of 64 bits) | replayed within d | same person later within d | other people within d "
        "| most of one later window within d (clip) |"
    )
    print("|---|---|---|---|---|")
    for d in DISTANCES:
        share, clip = worst[d]
        print(
            f"| {d} | {_share(replayed, d)} | {_share(later, d)} | {_share(others, d)} "
            f"| {share:.2f} ({clip}) |"
        )
    print(
        f"replayed: largest distance {max(replayed)}; same person later: smallest {min(later)}, "
        f"median {np.median(later):.0f}"
    )
    print(f"byte-identical frames between windows of one clip: {byte_hits} of {byte_frames}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
