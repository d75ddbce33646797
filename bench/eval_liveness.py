"""Active-liveness evaluation on ../shared/faces: live clips must pass, every attack must be rejected.

    .venv/bin/python bench/eval_liveness.py            # prints the Markdown section

`liveness_section()` returns the Markdown that bench/face_evaluation.py puts into docs/face-evaluation.md.

Live cases: windows of the clips in ../shared/faces/videos whose events were verified from per-frame
measures (eye aspect ratio, inner-lip ratio, nose-offset yaw); each is run at the clip's own frame rate
and subsampled to what the API receives (≤ 30 frames at 5–10 frames/s, JPEG-encoded, at three grid
phases so a short blink can fall between two pictures). Attacks: a still frame repeated, the same
with small random jitter (shift, scale, rotation, brightness, noise), a clip whose actions come in the
wrong order, frames of two people spliced, the not_live/ pictures and pad/ samples as stills.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from face import liveness
from face.config import LivenessConfig
from face.frames import FrameSequence, read_video, to_timed_frames
from face.types import Action, ReasonCode

SHARED = ROOT.parent / "shared"
FACES = SHARED / "faces"
VIDEOS = FACES / "videos"
MAX_API_FRAMES = 30

B, M, L, R = Action.BLINK, Action.OPEN_MOUTH, Action.TURN_LEFT, Action.TURN_RIGHT


@dataclass(frozen=True)
class Case:
    clip: str
    start: int  # native frame window [start, stop)
    stop: int
    actions: tuple[Action, ...]
    note: str = ""


# Events verified on per-frame measures (frame numbers at the clip's own rate):
# d0 blink 64–67 · d10 mouth 95–101, blinks 221–225 · d11 mouth 5–8 / 73–77 / 162–167, slow blink 147–156,
# small turn to the person's left 111–130 · d12 turn left 37–50, turn right 78–90, mouth 119–130,
# blinks 49–50 / 136–137 · d13 blinks 42–46, 80–83, 104, 314 · d18 mouth 61–97 and 113–156, blinks
# 94–97 and 185–187 · s18 blinks 8–11, 160–162 · s20 blinks 72–74, 176–178, 216–218.
LIVE_CASES = (
    Case("d0", 0, 78, (B,), "smiles (lips parted, eyes narrowed) then blinks"),
    Case("d10", 60, 236, (M, B), "talking between the actions"),
    Case("d11", 30, 170, (M, B), "a child talking; slow blink"),
    Case("d11", 84, 170, (L, B), "small turn (nose 0.10–0.12 of the eye distance)"),
    Case("d12", 0, 90, (L, R), "small quick turns"),
    Case("d12", 55, 145, (R, M, B), "small quick turn"),
    Case("d13", 20, 95, (B,)),
    Case("d13", 280, 352, (B,)),
    Case("d18", 30, 120, (M, B)),
    Case("d18", 160, 216, (B,)),
    Case("s18", 120, 200, (B,), "face small, turned ~25°"),
    Case("s20", 150, 230, (B,), "face small, turned ~25°"),
)
NOT_EVALUATED = (
    ("d20", "no blink or wide-open mouth in the clip (dim light, talking)"),
    ("s32", "head turned ~40° away from the camera throughout: not a certification capture"),
)

WRONG_ORDER = (
    Case("d18", 44, 120, (B, M), "clip: mouth then blink"),
    Case("d10", 88, 240, (B, M), "clip: mouth then blink"),
    Case("d11", 0, 170, (B, M), "clip: mouth then blink"),
    Case("d12", 0, 100, (R, L), "clip: left then right"),
    Case("d12", 100, 150, (B, M), "clip: mouth then blink"),
)

# Splices: the neutral start and first action from one person, the second action from another.
MOUTH_PARTS = (("d18", 44, 100), ("d10", 88, 110), ("d12", 100, 133), ("d11", 0, 30))
BLINK_PARTS = (("d0", 50, 78), ("d13", 30, 60), ("d10", 210, 235), ("d18", 175, 200), ("s20", 60, 90))

STILL_SOURCES = (
    ("d0 frame 5", ("video", "d0", 5)),
    ("d18 frame 10", ("video", "d18", 10)),
    ("d13 frame 10", ("video", "d13", 10)),
    ("d10 frame 90", ("video", "d10", 90)),
)
PICTURES = (
    ("not_live/s11.jpg printed photo", "not_live/s11.jpg"),
    ("not_live/s9.jpg painting", "not_live/s9.jpg"),
    ("not_live/s6.jpg statue", "not_live/s6.jpg"),
    ("not_live/s7.jpg cartoon", "not_live/s7.jpg"),
    ("not_live/s25.jpg dog", "not_live/s25.jpg"),
    ("not_live/s39.jpg cat", "not_live/s39.jpg"),
    ("pad/spoof/minivision_F1.jpg", "pad/spoof/minivision_F1.jpg"),
    ("pad/real/minivision_T1.jpg (a photo of a live person, held still)", "pad/real/minivision_T1.jpg"),
)
CHALLENGES_FOR_STILLS = ((B, M), (M, B), (L, B), (R, M, B))


@cache
def clip(name: str) -> FrameSequence:
    return read_video(VIDEOS / f"{name}.mp4")


def api_rate(seq: FrameSequence, phase: float = 0.0) -> tuple[FrameSequence, float]:
    """Subsample to the highest of 10/8/6/5 fps that keeps ≤ 30 frames; `phase` shifts the grid."""
    for fps in (10.0, 8.0, 6.0, 5.0):
        step = 1000.0 / fps
        sub = _grid(seq, fps, phase * step)
        if len(sub) <= MAX_API_FRAMES:
            return sub, fps
    return _grid(seq, 5.0, phase * 200.0).window(0, MAX_API_FRAMES), 5.0


def _grid(seq: FrameSequence, fps: float, offset_ms: float) -> FrameSequence:
    times = np.asarray(seq.times_ms, dtype=np.float64)
    keep: list[int] = []
    target = times[0] + offset_ms
    while target <= times[-1]:
        i = int(np.argmin(np.abs(times - target)))
        if not keep or i > keep[-1]:
            keep.append(i)
        target += 1000.0 / fps
    return seq.pick(keep)


def run(actions, seq: FrameSequence, cfg: LivenessConfig | None = None):
    """Encode like the API receives, decide, and time the decision (decode included)."""
    frames = to_timed_frames(seq.images, [t - seq.times_ms[0] for t in seq.times_ms])
    t0, c0 = time.perf_counter(), time.process_time()
    detail = liveness.evaluate_detail(actions, frames, config=cfg)
    detail.timings_ms["cpu"] = (time.process_time() - c0) * 1000.0
    return detail, (time.perf_counter() - t0) * 1000.0


def _fmt_actions(actions) -> str:
    return ", ".join(a.value for a in actions)


def _outcome(detail) -> str:
    r = detail.result
    frames = " ".join(f"{a.action.value}@{a.frame}" for a in r.actions if a.passed)
    return f"{'pass' if r.live else 'reject'}", r.reason.value, frames


# ------------------------------------------------------------------------------------------ live clips


def live_rows():
    rows = []
    for case in LIVE_CASES:
        seq = clip(case.clip).window(case.start, case.stop)
        det, ms = run(case.actions, seq)
        rows.append((case, "native", len(seq), det, ms))
        for phase in (0.0, 1 / 3, 2 / 3):
            sub, fps = api_rate(seq, phase)
            det, ms = run(case.actions, sub)
            rows.append((case, f"{fps:g} fps, phase {phase:.2f}", len(sub), det, ms))
    return rows


# -------------------------------------------------------------------------------------------- attacks


def jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = image.shape[:2]
    angle = rng.uniform(-1.5, 1.5)
    scale = rng.uniform(0.98, 1.02)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += rng.uniform(-3, 3, size=2)
    out = cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REFLECT)
    out = out.astype(np.float32) * rng.uniform(0.95, 1.05) + rng.normal(0, 2.0, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def still_sequence(image: np.ndarray, n: int = 24, fps: float = 8.0, rng=None) -> FrameSequence:
    imgs = tuple(image if rng is None else jitter(image, rng) for _ in range(n))
    return FrameSequence(imgs, tuple(round(i * 1000 / fps) for i in range(n)))


def _picture(spec) -> np.ndarray:
    from face.frames import downscale

    if isinstance(spec, tuple):
        _, name, idx = spec
        return clip(name).images[idx]
    img = cv2.imread(str(FACES / spec), cv2.IMREAD_COLOR)
    return downscale(img)


def splice(a: FrameSequence, b: FrameSequence) -> FrameSequence:
    """All of `a`, then `b`, with capture times continuing at b's frame spacing."""
    step = (b.times_ms[1] - b.times_ms[0]) if len(b) > 1 else 100
    shift = a.times_ms[-1] + step - b.times_ms[0]
    return FrameSequence(a.images + b.images, a.times_ms + tuple(t + shift for t in b.times_ms))


def attack_rows():
    """(kind, description, challenge, liveness detail, ms, detail with the identity-descriptor check)."""
    rng = np.random.default_rng(20261122)
    cheap = replace(LivenessConfig(), descriptor_check="never")
    rows = []

    def add(kind, desc, actions, seq, sub=True):
        if sub:
            seq, _fps = api_rate(seq)
        det, ms = run(actions, seq)
        # the same decision without the dlib-descriptor identity check (cheap continuity check only)
        det2 = run(actions, seq, cheap)[0] if det.result.reason is ReasonCode.IDENTITY_CHANGED else det
        rows.append((kind, desc, actions, det, ms, det2))

    for desc, spec in STILL_SOURCES + PICTURES:
        img = _picture(spec)
        kind_still = "picture repeated" if not isinstance(spec, tuple) else "still frame repeated"
        for actions in CHALLENGES_FOR_STILLS[:2]:
            add(kind_still, desc, actions, still_sequence(img), sub=False)
        for actions in CHALLENGES_FOR_STILLS:
            add(kind_still + " with jitter", desc, actions, still_sequence(img, rng=rng), sub=False)
    for case in WRONG_ORDER:
        seq = clip(case.clip).window(case.start, case.stop)
        add(
            "actions in the wrong order",
            f"{case.clip}[{case.start}:{case.stop}] ({case.note})",
            case.actions,
            seq,
            sub=False,
        )
        add(
            "actions in the wrong order",
            f"{case.clip}[{case.start}:{case.stop}] ({case.note}), API rate",
            case.actions,
            seq,
        )
    for ma, m0, m1 in MOUTH_PARTS:
        for ba, b0, b1 in BLINK_PARTS:
            if ma == ba:
                continue
            seq = splice(clip(ma).window(m0, m1), clip(ba).window(b0, b1))
            add("two people spliced", f"{ma}[{m0}:{m1}] + {ba}[{b0}:{b1}]", (M, B), seq)
    return rows


# ------------------------------------------------------------------------------------------- markdown


def liveness_section() -> str:
    if not VIDEOS.is_dir():
        return "## 5. Active liveness\n\nNot run: ../shared/faces/videos is missing.\n"
    cfg = LivenessConfig()
    out = ["## 5. Active liveness", ""]
    out.append(
        "Produced by `bench/eval_liveness.py` (`face.liveness`, default `LivenessConfig`): blink = eye "
        f"aspect ratio ≤ {cfg.blink_ratio}× the neutral baseline and ≤ {cfg.blink_dip_ratio}× the open level "
        f"on both sides within {cfg.blink_window_ms} ms; open mouth = inner-lip ratio ≥ {cfg.mouth_open_min} "
        f"and ≥ baseline + {cfg.mouth_open_delta}; turn = nose offset ≥ {cfg.turn_proxy_delta} inter-ocular "
        f"distances and solvePnP yaw ≥ {cfg.turn_yaw_delta_deg}° toward the PERSON's own left/right (in the "
        "unmirrored camera image the nose moves toward the image's right when the person turns to their left; "
        f"0.1 ≈ 15° on a generic face). Neutral start: eye ratio ≥ {cfg.open_eye_min}, inner-lip ratio ≤ "
        f"{cfg.mouth_closed_max}, nose offset ≤ {cfg.frontal_proxy_max} in ≥ {cfg.neutral_min_frames} of the "
        f"frames of the first {cfg.neutral_window_ms} ms. "
        "Frames are JPEG-encoded (quality 90) and decided through `face.liveness.evaluate`; ms include decoding "
        "and all landmark work on 2 shared cores."
    )
    out.append("")
    rows = live_rows()
    out += ["### Live clips (must pass)", ""]
    out.append("| clip window | challenge | rate | frames | result | reason | action frames | ms (CPU) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for case, rate, n, det, ms in rows:
        res, reason, frames = _outcome(det)
        out.append(
            f"| {case.clip}[{case.start}:{case.stop}] | {_fmt_actions(case.actions)} | {rate} | {n} | {res} | "
            f"{reason} | {frames} | {ms:.0f} ({det.timings_ms['cpu']:.0f}) |"
        )
    native = [r for r in rows if r[1] == "native"]
    api = [r for r in rows if r[1] != "native"]
    rej_n = sum(not r[3].result.live for r in native)
    rej_a = sum(not r[3].result.live for r in api)
    api_ms = sorted(r[4] for r in api)
    api_cpu = sorted(r[3].timings_ms["cpu"] for r in api)
    out.append("")
    out.append(
        f"Rejected: **{rej_n} of {len(native)}** at the clips' own rate, **{rej_a} of {len(api)}** at the API "
        f"rate (target ≤ 5 %). At the API rate (≤ 30 frames, 512–640 px): decision p50 "
        f"**{np.median(api_ms):.0f} ms wall / {np.median(api_cpu):.0f} ms CPU**, max {max(api_ms):.0f} ms wall "
        f"(wall includes waiting for the 2 cores other jobs share; CPU is what the decision costs)."
    )
    stages = ("decode", "landmarks", "actions", "still", "descriptors")
    parts = []
    for st in stages:
        vals = [r[3].timings_ms.get(st, 0.0) for r in api]
        parts.append(f"{st} {np.median(vals):.0f}")
    out.append("")
    out.append(
        "Wall-time p50 per stage at the API rate, ms: " + ", ".join(parts) + " (landmarks = HOG detection "
        "on a small copy + 68 points + pose + chip, for every frame)."
    )
    out.append("")
    out.append(
        "Why runs are rejected at the API rate: the clips' blinks last 80–150 ms and their head turns move the "
        "nose only 0.10–0.13 of the inter-ocular distance for a few frames, so at 5–8 pictures a second a "
        "picture can miss the closed eyes or the turn's peak. A quick turn whose best picture has the nose "
        f"{cfg.turn_proxy_delta_wide}–{cfg.turn_proxy_delta} off counts when solvePnP sees ≥ {cfg.turn_yaw_wide_deg:g}° "
        f"of yaw; the neutral pair may come within the first {cfg.neutral_window_ms} ms (a capture that "
        "starts while the person talks). What still fails: a blink in the last 0.3 s of the capture, before "
        "the eyes are seen open again (d12[55:145], one grid phase) — a blink needs its reopening, or a smile "
        "would count. A single partially closed frame (the blink seen halfway) was considered and not added: "
        "it rescues none of these runs, and a narrowed eye on one frame is what a smile or a squint gives. "
        "Client: send 10 pictures a second (one every 100 ms catches a 100–150 ms blink on 1–2 pictures; "
        "5–8 a second misses some) and keep capturing ≥ 0.6 s after the last instruction, as app/common/capture.py does."
    )
    out.append("")
    out.append("Not evaluated: " + "; ".join(f"{c} — {why}" for c, why in NOT_EVALUATED) + ".")
    out.append("")

    arows = attack_rows()
    by_kind: dict[str, list] = defaultdict(list)
    for r in arows:
        by_kind[r[0]].append(r)
    out += ["### Attacks (must all be rejected)", ""]
    out.append("| attack kind | attempts | accepted | reasons | accepted without the descriptor check |")
    out.append("|---|---|---|---|---|")
    for kind, rs in by_kind.items():
        acc = sum(r[3].result.live for r in rs)
        acc2 = sum(r[5].result.live for r in rs)
        reasons: dict[str, int] = defaultdict(int)
        for r in rs:
            reasons[r[3].result.reason.value] += 1
        rtext = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
        out.append(f"| {kind} | {len(rs)} | **{acc}** | {rtext} | {acc2} |")
    out.append("")
    out.append(
        "The last column re-decides every sequence refused as identity_changed with "
        '`descriptor_check="never"`: the cheap chip-continuity check alone. The default (`"auto"`) adds '
        "dlib ResNet descriptors of the best frame and each action's peak (must be ≤ 0.42 apart, ≈60 ms of "
        "CPU per frame) whenever an unbridged suspicious cut lies between them (a transition with chip "
        "correlation < 0.7 or a jump, and no frame within 1.5 s after it correlating ≥ 0.85 with one within "
        "1.5 s before it: a live face moving comes back, two people do not); the engine reuses the same "
        "descriptors "
        "for verification and its consistency check (face.liveness.FrameEmbeddings), so none is computed twice. dlib puts several of the clips' men only "
        "0.44–0.55 apart (the cross-session threshold 0.6 would call them the same person), while one face "
        "within a capture stays ≤ 0.36. The engine's consistency check (best frame against a key frame, same "
        "descriptor, ≤ 0.42, paid only when an unbridged cut exists) is a second line."
    )
    out.append("")
    out.append("<details><summary>Every attack attempt</summary>")
    out.append("")
    out.append("| kind | source | challenge | decision | without descriptors | ms |")
    out.append("|---|---|---|---|---|---|")
    for kind, desc, actions, det, ms, det2 in arows:
        out.append(
            f"| {kind} | {desc} | {_fmt_actions(actions)} | {_outcome(det)[0]} ({det.result.reason.value}) | "
            f"{_outcome(det2)[0]} ({det2.result.reason.value}) | {ms:.0f} |"
        )
    out.append("")
    out.append("</details>")
    out.append("")
    return "\n".join(out)


def main() -> int:
    print(liveness_section())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
