"""A fake camera that the test drives by the app's state, fed from the frames of a real clip.

Chromium's file-fed fake camera (``--use-file-for-fake-video-capture``) plays on a wall clock: the clip's
mouth and blink must fall inside the app's picture windows, which they miss when a busy machine or a slow
phone shifts those windows. Here the page's ``getUserMedia`` answers with a canvas stream that loops one
*segment* of the real clip at 25 frames a second — the still face, the open mouth, the blink — and the test
switches segments when the app shows the instruction, as a person would react to it::

    page = scripted_camera_page(segments_from(clip))
    tap(page, "camera-start")
    expect_text(page, "camera-instruction", "请张开嘴"); act(page, "open_mouth")
    expect_text(page, "camera-instruction", "请眨眨眼"); act(page, "blink")

Segments loop forwards and backwards (a blink repeats, the mouth opens and closes a little) until the next
switch. The frames are JPEGs of the clip, scaled to ``width``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cv2
import numpy as np

from tests.e2e.fake_video import read_clip

# Per-frame landmark measures of ../shared/faces/videos/d10.mp4 (68-point eye and inner-lip ratios):
# 152-220 neutral (eyes open, mouth closed), 94-110 a wide-open mouth, 218-228 a
# clear blink between open eyes.
D10_SEGMENTS = {"neutral": (152, 221), "open_mouth": (94, 111), "blink": (218, 229)}
NEUTRAL = "neutral"


def segments_from(
    clip: Path,
    ranges: dict[str, tuple[int, int]] = D10_SEGMENTS,
    width: int = 480,
) -> dict[str, list[str]]:
    """``{segment: [JPEG data URL, …]}`` cut from ``clip``."""
    last = max(stop for _, stop in ranges.values())
    source = read_clip(clip, 0, last)
    out: dict[str, list[str]] = {}
    for name, (start, stop) in ranges.items():
        out[name] = [_data_url(_scaled(frame, width)) for frame in source[start:stop]]
    return out


def still_segments(photo_bgr: np.ndarray, width: int = 480) -> dict[str, list[str]]:
    """A photo held up to the camera: every segment is the same picture."""
    url = _data_url(_scaled(photo_bgr, width))
    return {NEUTRAL: [url]}


def _scaled(frame: np.ndarray, width: int) -> np.ndarray:
    h, w = frame.shape[:2]
    return cv2.resize(frame, (width, round(h * width / w) // 2 * 2), interpolation=cv2.INTER_AREA)


def _data_url(frame: np.ndarray) -> str:
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode()


def init_script(segments: dict[str, list[str]]) -> str:
    """JavaScript run before the page's own: ``getUserMedia({video})`` answers with the canvas stream."""
    return _SCRIPT.replace("__SEGMENTS__", json.dumps(segments)).replace("__NEUTRAL__", json.dumps(NEUTRAL))


def act(page, segment: str) -> None:
    """Switch the camera to ``segment`` (the person starts doing it) and wait until it is on the canvas."""
    page.evaluate("segment => window.__fakeCamera.play(segment)", segment)
    page.wait_for_function("segment => window.__fakeCamera.drawn === segment", arg=segment)


_SCRIPT = r"""
(() => {
  const segments = __SEGMENTS__;
  const images = {};
  for (const [name, urls] of Object.entries(segments)) {
    images[name] = urls.map((url) => { const image = new Image(); image.src = url; return image; });
  }
  const canvas = document.createElement("canvas");
  const first = images[__NEUTRAL__][0];
  const state = { segment: __NEUTRAL__, tick: 0, drawn: null };
  let context = null;
  function draw() {
    const frames = images[state.segment];
    if (!frames.every((image) => image.complete && image.naturalWidth)) return;
    if (!context) {
      canvas.width = first.naturalWidth;
      canvas.height = first.naturalHeight;
      context = canvas.getContext("2d");
    }
    const period = Math.max(1, 2 * frames.length - 2);  // forwards, then backwards: no jump
    const k = state.tick % period;
    context.drawImage(frames[k < frames.length ? k : period - k], 0, 0, canvas.width, canvas.height);
    state.tick += 1;
    state.drawn = state.segment;
  }
  setInterval(draw, 40);
  const stream = canvas.captureStream(25);
  window.__fakeCamera = {
    play(segment) { if (!(segment in images)) throw new Error("no segment " + segment);
                    state.segment = segment; state.tick = 0; state.drawn = null; },
    get drawn() { return state.drawn; },
  };
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    if (!constraints || !constraints.video) return original(constraints);
    while (!context) await new Promise((resolve) => setTimeout(resolve, 20));
    return new MediaStream(stream.getVideoTracks().map((track) => track.clone()));
  };
})();
"""
