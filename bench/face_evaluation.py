"""Regenerates docs/face-evaluation.md — the ONE command for the face engine's evaluation:

    .venv/bin/python -m bench.face_evaluation            # writes docs/face-evaluation.md, prints a summary

Sections: (1) verification on ALL same/different pairs of ../shared/faces/identities with the configured
pipeline, threshold sweep and the chosen operating point (zero false accepts); (2) the detector/align
comparison behind that choice; (3) the quality gate on every test picture plus synthetic degradations of
real photos; (4) not_live/ and pad/ pictures through check() (quality gate + MiniFASNet); (5) active
liveness (live clips and attacks), from bench.eval_liveness.liveness_section() (the liveness owner's code);
(6) whole decisions; (7) capture conditions as a matrix (bench.condition_matrix: 5/8/10/15 pictures a second,
jitter, bursts, dropped pictures, 320/480 px, JPEG q40, dim, backlit, colour cast, motion blur — BPCER and
APCER per condition). The matrix is CPU-heavy: `--only-matrix` rewrites section 7 alone in the existing
file, `--quick` runs a small subset while developing, `--skip-matrix` leaves it out of a full run.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
FACES = SHARED / "faces"
IDENTITIES = FACES / "identities"
OUT = REPO_ROOT / "docs" / "face-evaluation.md"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def identity_images() -> list[Path]:
    return sorted(p for p in IDENTITIES.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def all_pairs(images: list[Path]) -> list[tuple[Path, Path, bool]]:
    """Every unordered pair; same person = same folder."""
    return [(a, b, a.parent == b.parent) for a, b in itertools.combinations(images, 2)]


def rel(p: Path) -> str:
    return str(p.relative_to(FACES))


def templates_for(engine, images: list[Path]):
    from face.types import FaceInputError

    out, errors, ms = {}, {}, []
    for p in images:
        t = time.perf_counter()
        try:
            out[p] = engine.template(p.read_bytes())
        except FaceInputError as exc:
            errors[p] = exc.code.value
        ms.append((time.perf_counter() - t) * 1000)
    return out, errors, float(np.median(ms))


def pair_distances(engine, templates, pairs):
    from face.verify import distance

    rows = []
    for a, b, same in pairs:
        if a in templates and b in templates:
            rows.append((a, b, same, distance(templates[a], templates[b], engine.config.metric)))
    return rows


def rates(rows, threshold: float) -> dict:
    fa = sum(1 for *_, same, d in rows if not same and d <= threshold)
    fr = sum(1 for *_, same, d in rows if same and d > threshold)
    n_same = sum(1 for r in rows if r[2])
    n_diff = len(rows) - n_same
    return {
        "fa": fa,
        "fr": fr,
        "acc": (len(rows) - fa - fr) / len(rows) if rows else 0.0,
        "far": fa / n_diff if n_diff else 0.0,
        "frr": fr / n_same if n_same else 0.0,
    }


def verification_section(engine, lines: list[str]) -> dict:
    from face.verify import EMBEDDING_PATH

    images = identity_images()
    pairs = all_pairs(images)
    templates, errors, ms = templates_for(engine, images)
    rows = pair_distances(engine, templates, pairs)
    cfg = engine.config
    same_d = sorted(d for *_, s, d in rows if s)
    diff_d = sorted(d for *_, s, d in rows if not s)
    at = rates(rows, cfg.threshold)
    review = sum(1 for *_, d in rows if cfg.threshold < d <= cfg.review_limit)
    review_diff = sum(1 for *_, s, d in rows if not s and cfg.threshold < d <= cfg.review_limit)
    lines += [
        "## 1. Verification on all identity pairs",
        "",
        (
            f"Pipeline: intake (≤{cfg.max_side} px) → DeepFace detector `{cfg.detector}` (align={cfg.align}) → "
            f"dlib's 68 landmarks on the box → dlib's aligned 150×150 chip → ResNet (`{cfg.model}`) descriptor "
            f"(template tag `{EMBEDDING_PATH}`) → {cfg.metric} distance. A certification embeds its best frame the same "
            f"way from the liveness stage's landmarks. Pictures: {len(images)} in "
            f"{len({p.parent for p in images})} identity folders (every file, including the low-resolution and "
            f"partial-face ones); pairs: {len(pairs)} ({sum(1 for p in pairs if p[2])} same person, "
            f"{sum(1 for p in pairs if not p[2])} different). Pictures without a usable single face: "
            f"{len(errors)} {sorted(rel(p) + ' (' + c + ')' for p, c in errors.items())}."
        ),
        "",
        f"- Genuine distances: min {same_d[0]:.3f}, median {np.median(same_d):.3f}, **max {same_d[-1]:.3f}**",
        f"- Impostor distances: **min {diff_d[0]:.3f}**, median {np.median(diff_d):.3f}, max {diff_d[-1]:.3f}",
        f"- Zero false accepts holds for any threshold below {diff_d[0]:.3f}; zero false rejects needs ≥ "
        f"{same_d[-1]:.3f}. "
        + (
            "Both hold at once: the classes are separated on this data."
            if same_d[-1] < diff_d[0]
            else "The classes overlap on this data."
        ),
        "",
        (
            f"**Operating point (face/config.py): threshold {cfg.threshold} → accuracy {at['acc']:.2%}, false "
            f"accepts {at['fa']}/{len(diff_d)}, false rejects {at['fr']}/{len(same_d)}.** Review band "
            f"({cfg.threshold}, {cfg.review_limit:.2f}] → NEEDS_REVIEW: {review} pair(s) fall in it "
            f"({review_diff} impostor). Median time to a template: {ms:.0f} ms per picture."
        ),
        "",
        "| threshold | accuracy | false accepts | false rejects | FAR | FRR |",
        "|---|---|---|---|---|---|",
    ]
    for thr in np.round(np.arange(0.40, 0.721, 0.02), 2):
        r = rates(rows, float(thr))
        mark = " ← configured" if abs(thr - cfg.threshold) < 1e-9 else ""
        lines.append(
            f"| {thr:.2f}{mark} | {r['acc']:.2%} | {r['fa']} | {r['fr']} | {r['far']:.1%} | {r['frr']:.1%} |"
        )
    if abs(round(cfg.threshold, 2) - cfg.threshold) > 1e-9 or not any(
        abs(t - cfg.threshold) < 1e-9 for t in np.round(np.arange(0.40, 0.721, 0.02), 2)
    ):
        r = at
        lines.append(
            f"| {cfg.threshold} ← configured | {r['acc']:.2%} | {r['fa']} | {r['fr']} | "
            f"{r['far']:.1%} | {r['frr']:.1%} |"
        )
    lines += [
        "",
        (
            "The CLI gives the same figures: `.venv/bin/python -m bench.face_evaluation --pairs-csv /tmp/pairs.csv` "
            "then `.venv/bin/python -m face eval-pairs --pairs /tmp/pairs.csv --root ../shared/faces/identities`."
        ),
    ]
    hardest = sorted((r for r in rows if not r[2]), key=lambda r: r[3])[:3]
    weakest = sorted((r for r in rows if r[2]), key=lambda r: -r[3])[:3]
    lines += [
        "",
        "Closest impostor pairs: " + "; ".join(f"{rel(a)} vs {rel(b)} {d:.3f}" for a, b, _, d in hardest),
        "",
        "Farthest genuine pairs: " + "; ".join(f"{rel(a)} vs {rel(b)} {d:.3f}" for a, b, _, d in weakest),
        "",
    ]
    return {"pairs": len(rows), **at, "same_max": same_d[-1], "diff_min": diff_d[0]}


def detector_section(lines: list[str]) -> None:
    from face.config import FaceConfig
    from face.engine import FaceEngine

    images = identity_images()
    pairs = all_pairs(images)
    lines += [
        "## 2. Detector and alignment choice (same pairs)",
        "",
        (
            "| detector | align | faces found | pairs scored | genuine max | impostor min | separated | "
            f"accuracy at {FaceConfig().threshold} | template ms (median) |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for detector, align in [("dlib", False), ("dlib", True), ("opencv", False), ("opencv", True)]:
        engine = FaceEngine(replace(FaceConfig(), detector=detector, align=align))
        templates, _errors, ms = templates_for(engine, images)
        rows = pair_distances(engine, templates, pairs)
        same_d = [d for *_, s, d in rows if s]
        diff_d = [d for *_, s, d in rows if not s]
        r = rates(rows, FaceConfig().threshold)
        lines.append(
            f"| {detector} | {align} | {len(templates)}/{len(images)} | {len(rows)} | {max(same_d):.3f} | "
            f"{min(diff_d):.3f} | {'yes' if max(same_d) < min(diff_d) else 'no'} | {r['acc']:.2%} | "
            f"{ms:.0f} |"
        )
    lines += [
        "",
        (
            "The detector only places the box: the descriptor is computed on the chip dlib aligns on its "
            "own 68 landmarks; DeepFace's `align` only moves the box and makes detection dearer (it pads the "
            "picture by 50 % on every side). dlib without align is configured: it finds every face, separates the "
            "classes, and is the cheapest dlib variant; opencv misses faces."
        ),
        "",
    ]


def degrade(image: np.ndarray, kind: str) -> np.ndarray:
    """Synthetic degradations of a real photo (BGR uint8)."""
    if kind == "dark":
        return (image.astype(np.float32) * 0.3).astype(np.uint8)
    if kind == "blur":
        return cv2.GaussianBlur(image, (0, 0), 4)
    if kind == "crop_left":
        return np.ascontiguousarray(image[:, int(image.shape[1] * 0.42) :])
    raise ValueError(kind)


def backlit(image: np.ndarray, box) -> np.ndarray:
    out = np.clip(image.astype(np.float32) * 0.35 + 170, 0, 255)
    x, y, w, h = box.x, box.y, box.w, box.h
    out[y : y + h, x : x + w] = image[y : y + h, x : x + w].astype(np.float32) * 0.4
    return out.astype(np.uint8)


def sunglasses(image: np.ndarray, face) -> np.ndarray:
    out = image.copy()
    eyes = [e for e in (face.left_eye, face.right_eye) if e is not None]
    r = max(6, face.box.w // 7)
    for e in eyes:
        cv2.circle(out, (e.x, e.y), r, (10, 10, 10), -1)
    if len(eyes) == 2:
        cv2.line(out, (eyes[0].x, eyes[0].y), (eyes[1].x, eyes[1].y), (10, 10, 10), max(2, r // 3))
    return out


def quality_section(engine, lines: list[str]) -> None:
    pictures = sorted(
        p
        for d in ("identities", "scenes")
        for p in (FACES / d).rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES
    )
    lines += [
        "## 3. Quality gate",
        "",
        (
            "Thresholds are in face/config.py. Measures: face width (px, in the ≤640 px work image), mean "
            "face luminance, face/background luminance ratio, Laplacian variance of the face at 128x128, "
            "eyes found by the Haar cascades."
        ),
        "",
        "| picture | faces | verdict | face px | luminance | face/bg | sharpness | eyes |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def row(name, result):
        q = result.quality
        lines.append(
            f"| {name} | {result.faces} | {q.reason.value} | {q.face_px or ''} | "
            f"{'' if q.luminance is None else q.luminance} | "
            f"{'' if q.background_ratio is None else q.background_ratio} | "
            f"{'' if q.sharpness is None else q.sharpness} | "
            f"{'' if q.eyes_found is None else q.eyes_found} |"
        )

    for p in pictures:
        row(rel(p), engine.check(p.read_bytes()))
    sources = [
        IDENTITIES / "obama" / "obama.jpg",
        IDENTITIES / "biden" / "biden2.jpg",
        IDENTITIES / "rose_leslie" / "rose2.jpg",
        IDENTITIES / "alex_lacamoire" / "alex2.jpg",
    ]
    for src in sources:
        image = engine.load_image(src.read_bytes())
        face = engine.detect(image)[0]
        variants = {k: degrade(image, k) for k in ("dark", "blur", "crop_left")}
        variants["backlit"] = backlit(image, face.box)
        variants["sunglasses"] = sunglasses(image, face)
        for kind, img in variants.items():
            row(f"{rel(src)} **{kind}** (synthetic)", engine.check(img))
    lines.append("")


def video_frames_section(engine, lines: list[str], every: int = 20) -> None:
    """Live frames (every `every`-th of each clip) through the gate: how often would it refuse a live person?"""
    from collections import Counter

    lines += [
        "### Live video frames through the gate",
        "",
        f"Every {every}th frame of each clip in `videos/` (JPEG-encoded like an upload).",
        "",
        "| clip | frames | verdicts |",
        "|---|---|---|",
    ]
    total = Counter()
    for path in sorted((FACES / "videos").glob("*.mp4")):
        cap = cv2.VideoCapture(str(path))
        verdicts, index = Counter(), 0
        while True:
            ok, image = cap.read()
            if not ok:
                break
            if index % every == 0:
                data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
                verdicts[engine.check(data).quality.reason.value] += 1
            index += 1
        cap.release()
        total += verdicts
        lines.append(
            f"| {path.name} | {sum(verdicts.values())} | "
            f"{', '.join(f'{k} {v}' for k, v in verdicts.most_common())} |"
        )
    n = sum(total.values())
    lines += [
        "",
        (
            f"Accepted: {total['ok']}/{n} live frames ({total['ok'] / n:.0%}). d20 is the dim, noisy "
            "clip: its frames read as blurred (the camera smooths sensor noise), the message a person in "
            "the dark should get."
        ),
        "",
    ]


def attacks_section(engine, lines: list[str]) -> None:
    lines += [
        "## 4. Not-live pictures and presentation attacks (check(): quality gate + MiniFASNet)",
        "",
        (
            "A picture is **refused** when the quality gate fails or MiniFASNet judges it not real. "
            f"Anti-spoofing enabled: {engine.config.antispoof_enabled}."
        ),
        "",
        "| picture | what it is | faces | quality | anti-spoof (real?, score) | refused |",
        "|---|---|---|---|---|---|",
    ]
    kinds = {
        "s11.jpg": "printed photo held in a hand",
        "s9.jpg": "painting",
        "s6.jpg": "statue",
        "s7.jpg": "cartoon",
        "s25.jpg": "dog",
        "s39.jpg": "cat",
        "minivision_F1.jpg": "re-captured print",
        "minivision_T1.jpg": "live person (genuine)",
    }
    refused_attacks = total_attacks = 0
    for p in sorted((FACES / "not_live").glob("*.jpg")) + sorted((FACES / "pad").rglob("*.jpg")):
        result = engine.check(p.read_bytes())
        spoof = result.spoof
        refused = (not result.quality.ok) or bool(spoof and spoof.ran and not spoof.is_real)
        genuine = "real" in p.parts
        if not genuine:
            total_attacks += 1
            refused_attacks += refused
        spoof_txt = "—" if spoof is None else (f"{spoof.is_real}, {spoof.score}" if spoof.ran else spoof.note)
        lines.append(
            f"| {rel(p)} | {kinds.get(p.name, '')} | {result.faces} | {result.quality.reason.value} | "
            f"{spoof_txt} | {'yes' if refused else 'no'} |"
        )
    lines += [
        "",
        (
            f"**Attacks refused by a single picture check: {refused_attacks}/{total_attacks}.** A single "
            "picture cannot prove liveness: in a certification the active challenge (section 5) stops "
            "still pictures, and these pictures never produce the requested actions."
        ),
        "",
    ]
    decision_rows(engine, lines)


def decision_rows(engine, lines: list[str]) -> None:
    """Each not-live / PAD picture submitted as a whole certification: 24 frames of the picture at 8 fps
    (a photo held in front of the camera), challenge open_mouth + blink, the picture itself as reference."""
    from face.types import Action, FaceInputError, TimedFrame

    lines += [
        (
            "Each picture submitted as a whole certification (`FaceEngine.decide`): the picture repeated as "
            "24 frames at 8 fps, challenge open_mouth + blink, the picture itself enrolled as the reference "
            "(the attacker's best case)."
        ),
        "",
        "| picture | outcome | reason |",
        "|---|---|---|",
    ]
    accepted = 0
    pictures = sorted((FACES / "not_live").glob("*.jpg")) + sorted((FACES / "pad" / "spoof").glob("*.jpg"))
    for p in pictures:
        data = p.read_bytes()
        try:
            reference = [engine.template(data)]
        except FaceInputError:
            reference = []
        frames = [TimedFrame(data, i * 125) for i in range(24)]
        decision = engine.decide([Action.OPEN_MOUTH, Action.BLINK], frames, reference)
        accepted += decision.outcome.value == "passed"
        lines.append(f"| {rel(p)} | {decision.outcome.value} | {decision.reason.value} |")
    lines += ["", f"**Attacks accepted by the whole decision: {accepted}/{len(pictures)}.**", ""]


def decision_section(engine, lines: list[str]) -> None:
    """The live cases of bench/eval_liveness.py through the WHOLE decision (API rate, grid phase 0): with the
    person's own reference (must pass or go to review, never fail) and with another person's (must fail)."""
    try:
        from bench.eval_liveness import LIVE_CASES, api_rate, clip
    except ImportError as exc:
        lines += ["## 6. Whole decision on live clips", "", f"_Not available: {exc}._", ""]
        return
    from collections import Counter

    from face.frames import to_timed_frames
    from face.types import FaceInputError

    def reference_of(name: str, start: int):
        seq = clip(name)
        index = len(seq) - 1 if start < 10 else 0  # a frame outside the challenge window
        data = to_timed_frames([seq.images[index]], [0])[0].data
        return engine.template(data)

    lines += [
        "## 6. Whole decision on live clips",
        "",
        (
            "`FaceEngine.decide` (liveness → verification of the best frame → anti-spoofing → identity "
            "consistency) on the live cases of section 5 at the API rate (grid phase 0). *Own reference*: a "
            "frame of the same clip outside the challenge window, enrolled as the reference. *Other "
            "reference*: a frame of another person's clip."
        ),
        "",
        "| case | challenge | own reference | other reference | total ms (own) |",
        "|---|---|---|---|---|",
    ]
    own, other = Counter(), Counter()
    names = [c.clip for c in LIVE_CASES]
    for case in LIVE_CASES:
        seq, _fps = api_rate(clip(case.clip).window(case.start, case.stop), 0.0)
        frames = to_timed_frames(seq.images, [t - seq.times_ms[0] for t in seq.times_ms])
        try:
            mine = reference_of(case.clip, case.start)
            others = sorted(set(names) - {case.clip})
            stranger_clip = others[names.index(case.clip) % len(others)]
            theirs = reference_of(stranger_clip, 0)
        except FaceInputError as exc:
            lines.append(
                f"| {case.clip}[{case.start}:{case.stop}] | — | reference refused ({exc.code.value}) | | |"
            )
            continue
        d_own = engine.decide(case.actions, frames, [mine])
        d_other = engine.decide(case.actions, frames, [theirs])
        own[d_own.outcome.value] += 1
        other[d_other.outcome.value] += 1
        lines.append(
            f"| {case.clip}[{case.start}:{case.stop}] | {', '.join(a.value for a in case.actions)} | "
            f"{d_own.outcome.value} ({d_own.reason.value}, distance {_dist(d_own)}) | {d_other.outcome.value} "
            f"({d_other.reason.value}, vs {stranger_clip}, distance {_dist(d_other)}) | {d_own.timings_ms.get('total', 0):.0f} |"
        )
    lines += [
        "",
        (
            f"Own reference: {dict(own)}. Other person's reference: {dict(other)} — "
            f"**{other.get('passed', 0)} accepted**. A NEEDS_REVIEW with `spoof_suspected` is MiniFASNet judging "
            "the clip's frames fake (d18, see face/config.py `antispoof_failure`): an officer decides, the "
            "person is not rejected. A `borderline_match` against another person (the child of d11 against the man of "
            "d12) is the review band at work: not accepted, sent to an officer."
        ),
        "",
    ]


def _dist(decision) -> str:
    return "—" if decision.verify is None else f"{decision.verify.distance:.3f}"


REFERENCES_TEXT = """## How several references combine

A person may have several reference templates (ID-card photo, on-site enrolment, templates refreshed from
passed certifications). Only templates of the configured recogniser and embedding path
(`Template.model == "Dlib"`, `Template.detector == "dlib-68chip"`) are
compared; a template of another model is ignored (another vector space), and with none left the decision is
NO_REFERENCE → NEEDS_REVIEW. The probe's distance is the **minimum** over the remaining references (the
nearest is the most recent look of the person). The threshold above was set per pair; the minimum over k
references gives an impostor k tries, so the API keeps only the latest few templates, and the review band
catches near misses. The user only ever sees pass/fail (NEEDS_REVIEW reads as "an officer will review").
"""


def liveness_section(lines: list[str]) -> None:
    try:
        from bench.eval_liveness import liveness_section as teammate_section
    except ImportError as exc:
        lines += ["## 5. Active liveness", "", f"_Not available in this checkout: {exc}._", ""]
        return
    text = teammate_section()
    lines += [text.rstrip(), ""]
    from bench.eval_replay import replay_section

    lines += [replay_section().rstrip(), ""]


MATRIX_HEADING = "## 7. Capture conditions"


def rewrite_matrix(out: Path, quick: bool) -> int:
    """Replace section 7 of an existing docs/face-evaluation.md (or append it) with a fresh matrix."""
    from bench.condition_matrix import matrix_section

    section = matrix_section(quick, log=lambda s: print(s, file=sys.stderr, flush=True)).rstrip() + "\n"
    text = out.read_text(encoding="utf-8") if out.is_file() else "# Face engine evaluation\n"
    start = text.find(MATRIX_HEADING)
    if start < 0:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(MATRIX_HEADING))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    out.write_text(text, encoding="utf-8")
    print(f"section 7 written to {out}")
    return 0


def write_pairs_csv(path: Path) -> None:
    rows = ["a,b,same"] + [
        f"{a.relative_to(IDENTITIES)},{b.relative_to(IDENTITIES)},{int(same)}"
        for a, b, same in all_pairs(identity_images())
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--skip-liveness", action="store_true")
    parser.add_argument("--skip-matrix", action="store_true", help="leave out section 7 (capture conditions)")
    parser.add_argument("--only-matrix", action="store_true", help="rewrite section 7 alone in --out")
    parser.add_argument("--quick", action="store_true", help="section 7 on a small subset (development)")
    parser.add_argument(
        "--pairs-csv",
        type=Path,
        help="also write every identity pair as a,b,same for "
        "`python -m face eval-pairs --pairs CSV --root ../shared/faces/identities`",
    )
    args = parser.parse_args(argv)
    if args.only_matrix:
        return rewrite_matrix(args.out, args.quick)
    if not IDENTITIES.is_dir():
        print(f"test data not found at {FACES}", file=sys.stderr)
        return 2
    from face import models
    from face.engine import FaceEngine

    if args.pairs_csv:
        write_pairs_csv(args.pairs_csv)
    engine = FaceEngine()
    t = time.perf_counter()
    engine.warm_up()
    load_s = time.perf_counter() - t
    lines = [
        "# Face engine evaluation",
        "",
        (
            "Generated by `.venv/bin/python -m bench.face_evaluation` (do not edit by hand). Data: "
            "`../shared/faces` (see its MANIFEST.md). "
            f"Python {platform.python_version()}, DeepFace engine `{models.engine()}`, models loaded in "
            f"{load_s:.1f} s."
        ),
        "",
    ]
    summary = verification_section(engine, lines)
    lines += [REFERENCES_TEXT]
    detector_section(lines)
    quality_section(engine, lines)
    video_frames_section(engine, lines)
    attacks_section(engine, lines)
    if not args.skip_liveness:
        liveness_section(lines)
        decision_section(engine, lines)
    if not args.skip_matrix:
        from bench.condition_matrix import matrix_section

        lines += [matrix_section(args.quick).rstrip(), ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(
        f"pairs {summary['pairs']}: accuracy {summary['acc']:.2%}, false accepts {summary['fa']}, false "
        f"rejects {summary['fr']}, genuine max {summary['same_max']:.3f}, impostor min {summary['diff_min']:.3f}"
        f" → {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
