"""Write a window of a shared clip as the JPEG pictures a phone uploads (for `python -m face decide`):

    .venv/bin/python -m bench.export_frames d12 55 149 8 /tmp/d12_3actions

Frames [start, stop) of ../shared/faces/videos/CLIP.mp4 at FPS pictures a second (≤ 640 px, JPEG q90),
named frame_000.jpg, …; the first one is also written as reference.jpg beside the folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT.parent / "shared" / "faces" / "videos"


def main(argv: list[str]) -> int:
    from face.frames import read_video

    name, start, stop, fps, out = argv[0], int(argv[1]), int(argv[2]), float(argv[3]), Path(argv[4])
    seq = read_video(VIDEOS / f"{name}.mp4").window(start, stop).subsample(fps)
    out.mkdir(parents=True, exist_ok=True)
    for i, img in enumerate(seq.images):
        cv2.imwrite(str(out / f"frame_{i:03d}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    cv2.imwrite(str(out.parent / f"{out.name}_reference.jpg"), seq.images[0], [cv2.IMWRITE_JPEG_QUALITY, 90])
    print(f"{len(seq)} frames in {out}, reference {out.parent / (out.name + '_reference.jpg')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
