"""Face pipeline speed and memory (figures recorded in docs/benchmarks.md, section "Face engine"):

    .venv/bin/pip install --no-deps face_recognition        # once, for the side-by-side comparison
    .venv/bin/python -m bench.face_pipeline [--pairs 20] [--repeats 5]

Prints: per-stage milliseconds on the identity photos (decode, detect, quality, landmarks, embed,
anti-spoof); whole FaceEngine.decide() on ≤30-frame challenges from ../shared/faces/videos; the same
identity pairs through DeepFace.verify called the plain way, through our pipeline and through the
face_recognition library, with ratios; resident memory of one loaded worker per DeepFace engine.
Models are loaded once per process and excluded from every timing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
FACES = REPO_ROOT.parent / "shared" / "faces"
IDENTITIES = FACES / "identities"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50):7.1f} ms   p90 {pct(values, 90):7.1f} ms   (n={len(values)})"


CPU_MS: list[float] = []  # CPU time of the last timed() call (process time: what the call would take on an
# idle machine when it runs on one core; the shared 2-core box inflates wall time, see the load average)


def timed(fn, *args, **kwargs):
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    CPU_MS[:] = [(time.process_time() - c) * 1000.0]
    return out, (time.perf_counter() - t) * 1000.0


def identity_photos() -> list[Path]:
    return sorted(p for p in IDENTITIES.rglob("*") if p.suffix.lower() in {".jpg", ".png"})


def _timed(fn, *args):
    return timed(fn, *args)


def stage_timings(engine, repeats: int) -> dict[str, tuple[list[float], list[float]]]:
    import dlib

    from face import antispoof, models, quality
    from face import verify as verification

    predictor = models.landmarks_68()
    stages: dict[str, list[float]] = {
        k: [] for k in ("decode", "detect", "quality", "landmarks", "embed", "anti-spoof")
    }
    cpu: dict[str, list[float]] = {k: [] for k in stages}

    def timed(fn, *args):  # wall and CPU per stage
        out, ms = _timed(fn, *args)
        cpu[current[0]].append(CPU_MS[0])
        return out, ms

    current = [""]
    for _ in range(repeats):
        for path in identity_photos():
            data = path.read_bytes()
            current[0] = "decode"
            image, ms = timed(engine.load_image, data)
            stages["decode"].append(ms)
            current[0] = "detect"
            faces, ms = timed(engine.detect, image)
            stages["detect"].append(ms)
            if not faces:
                continue
            current[0] = "quality"
            _, ms = timed(quality.assess, image, faces, engine.config)
            stages["quality"].append(ms)
            b = faces[0].box
            current[0] = "landmarks"
            _, ms = timed(predictor, image, dlib.rectangle(b.x, b.y, b.x + b.w, b.y + b.h))
            stages["landmarks"].append(ms)
            current[0] = "embed"
            _, ms = timed(verification.embed, image, faces[0], engine.config)
            stages["embed"].append(ms)
            current[0] = "anti-spoof"
            _, ms = timed(antispoof.check, image, b, engine.config)
            stages["anti-spoof"].append(ms)
    return {k: (stages[k], cpu[k]) for k in stages}


def clip_frames(name: str, start: int, stop: int, fps_out: float, max_side: int = 640):
    """Frames start..stop of a clip sampled at fps_out (what the app uploads), as JPEG bytes + capture times."""
    import cv2

    from face.types import TimedFrame

    cap = cv2.VideoCapture(str(FACES / "videos" / name))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    frames, index, next_t, shape = [], 0, start * 1000.0 / fps, (0, 0)
    while index < stop and len(frames) < 30:
        ok, image = cap.read()
        if not ok:
            break
        t = index * 1000.0 / fps
        if index >= start and t + 1e-6 >= next_t:
            h, w = image.shape[:2]
            if max(h, w) > max_side:
                s = max_side / max(h, w)
                image = cv2.resize(image, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
            shape = image.shape[:2]
            frames.append(
                TimedFrame(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes(), round(t))
            )
            next_t += 1000.0 / fps_out
        index += 1
    cap.release()
    return frames, shape


CHALLENGES = [
    # (clip, first frame, last frame, upload fps, actions, what happens) — windows from bench/eval_liveness.py
    ("d12.mp4", 55, 145, 8, ("turn_right", "open_mouth", "blink"), "3 actions, passes every stage"),
    ("d10.mp4", 60, 236, 5, ("open_mouth", "blink"), "2 actions, passes every stage"),
]


def decide_timings(
    engine, repeats: int, challenges=None
) -> list[tuple[str, int, tuple, str, list[float], dict, str]]:
    from face.types import Action

    rows = []
    for name, a, b, step, actions, note in challenges or CHALLENGES:
        frames, shape = clip_frames(name, a, b, step)
        reference = engine.template(frames[0].data)
        acts = [Action(x) for x in actions]
        engine.decide(acts, frames, [reference])  # first call: lazy per-clip caches, not timed
        totals, cpus, stage_sums = [], [], {}
        for _ in range(repeats):
            decision, ms = timed(engine.decide, acts, frames, [reference])
            totals.append(ms)
            cpus.append(CPU_MS[0])
            for k, v in decision.timings_ms.items():
                stage_sums.setdefault(k, []).append(v)
        stage_p50 = {k: round(pct(v, 50), 1) for k, v in stage_sums.items()}
        stage_p50["cpu_total"] = round(pct(cpus, 50), 1)
        outcome = f"{decision.outcome.value}/{decision.reason.value}"
        rows.append(
            (
                f"{name} frames {a}-{b} at {step} fps ({shape[1]}x{shape[0]})",
                len(frames),
                actions,
                note,
                totals,
                stage_p50,
                outcome,
            )
        )
    return rows


def pairs_subset(n: int) -> list[tuple[Path, Path, bool]]:
    photos = identity_photos()
    pairs = [(a, b, a.parent == b.parent) for a, b in itertools.combinations(photos, 2)]
    rng = random.Random(7)
    same = [p for p in pairs if p[2]]
    diff = [p for p in pairs if not p[2]]
    rng.shuffle(same)
    rng.shuffle(diff)
    half = n // 2
    return same[:half] + diff[: n - half]


def _face_recognition():
    """face_recognition imports face_recognition_models, whose __init__ needs pkg_resources (gone from
    current setuptools): give it the one function it uses."""
    if "pkg_resources" not in sys.modules:
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            import importlib.util

            shim = types.ModuleType("pkg_resources")

            def resource_filename(package: str, name: str) -> str:
                spec = importlib.util.find_spec(package)
                return str(Path(next(iter(spec.submodule_search_locations))) / name)

            shim.resource_filename = resource_filename
            sys.modules["pkg_resources"] = shim
    import face_recognition

    return face_recognition


def side_by_side(engine, n_pairs: int) -> dict[str, dict]:
    from face import models

    pairs = pairs_subset(n_pairs)
    deepface = models.deepface_module()
    results: dict[str, dict] = {}

    def run(label, fn):
        fn(*pairs[0][:2])  # warm: model load excluded
        ms, cpu, correct, errors = [], [], 0, 0
        for a, b, same in pairs:
            try:
                match, t = timed(fn, a, b)
            except Exception:  # noqa: BLE001 - a method failing on a pair is counted, not fatal
                errors += 1
                continue
            ms.append(t)
            cpu.append(CPU_MS[0])
            correct += bool(match) == same
        results[label] = {"ms": ms, "cpu": cpu, "correct": correct, "errors": errors, "pairs": len(pairs)}

    def ours(a, b):
        return engine.verify([engine.template(a.read_bytes())], b.read_bytes()).match

    def deepface_plain(a, b):
        return deepface.verify(str(a), str(b), model_name="Dlib")["verified"]

    def deepface_tuned(a, b):
        return deepface.verify(
            engine.load_image(a.read_bytes()),
            engine.load_image(b.read_bytes()),
            model_name="Dlib",
            detector_backend="dlib",
            align=False,
            distance_metric="euclidean",
            threshold=engine.config.threshold,
        )["verified"]

    run("lifecert pipeline (FaceEngine.verify from bytes)", ours)
    run("DeepFace.verify plain (paths, model Dlib, defaults)", deepface_plain)
    run("DeepFace.verify on ≤640 px, dlib, no align", deepface_tuned)
    try:
        fr = _face_recognition()
    except ImportError as exc:
        results["face_recognition"] = {"missing": str(exc)}
    else:

        def face_rec(a, b):
            ea = fr.face_encodings(fr.load_image_file(str(a)))
            eb = fr.face_encodings(fr.load_image_file(str(b)))
            if not ea or not eb:
                raise ValueError("no face")
            return bool(fr.compare_faces([ea[0]], eb[0], tolerance=0.6)[0])

        run("face_recognition (files, HOG, tolerance 0.6)", face_rec)
    return results


RSS_WORKER = """
import json, os, sys, time
t = time.perf_counter()
from face.engine import FaceEngine
from face import models
engine = FaceEngine()
engine.warm_up()
load = time.perf_counter() - t
faces = sys.argv[1]
ref = engine.template(open(faces + "/identities/obama/obama.jpg", "rb").read())
engine.verify([ref], open(faces + "/identities/obama/obama2.jpg", "rb").read())
spoof = engine.check(open(faces + "/identities/obama/obama4.jpg", "rb").read()).spoof
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
kb = lambda k: int(status[k].split()[0]) // 1024
print(json.dumps({"engine": models.engine(), "rss_mb": kb("VmRSS"), "peak_mb": kb("VmHWM"), "load_s": round(load, 2),
                  "tensorflow_loaded": "tensorflow" in sys.modules, "torch_loaded": "torch" in sys.modules,
                  "antispoof": spoof.ran, "note": spoof.note}))
"""


def rss_per_engine() -> list[dict]:
    out = []
    for engine in ("pytorch", "tensorflow", "onnx"):
        env = {**os.environ, "DEEPFACE_BACKEND_ENGINE": engine, "PYTHONPATH": str(REPO_ROOT)}
        proc = subprocess.run(
            [sys.executable, "-c", RSS_WORKER, str(FACES)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO_ROOT,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            out.append({"engine": engine, "error": proc.stderr.strip().splitlines()[-1:]})
        else:
            out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="face pipeline speed and memory")
    parser.add_argument("--pairs", type=int, default=20, help="identity pairs for the side-by-side run")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of each decide() timing")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args(argv)
    if not IDENTITIES.is_dir():
        print(f"test data not found at {FACES}", file=sys.stderr)
        return 2
    from face import models
    from face.engine import FaceEngine

    print(
        f"# face pipeline benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, DeepFace engine {models.engine()}"
    )
    engine = FaceEngine()
    _, ms = timed(engine.warm_up)
    print(f"model load (warm_up, once per process): {ms:.0f} ms")
    print("\n## per stage, identity photos at ≤640 px")
    for stage, (values, cpu) in stage_timings(engine, repeats=2).items():
        print(f"{stage:>11}: {fmt(values)}   CPU p50 {pct(cpu, 50):6.1f} ms")
    print("\n## whole decide() (liveness → verify → anti-spoof → identity consistency)")
    for label, n, actions, note, totals, stages, outcome in decide_timings(engine, args.repeats):
        print(f"{label}, {n} frames, {','.join(actions)} [{note}] → {outcome}")
        print(f"    total {fmt(totals)}; stage p50 {stages}")
    from dataclasses import replace

    for frames_checked in (2, 0):
        variant = FaceEngine(replace(engine.config, consistency_frames=frames_checked))
        for label, n, actions, _, totals, stages, outcome in decide_timings(
            variant, args.repeats, CHALLENGES[:1]
        ):
            print(f"{label}, {n} frames, consistency_frames={frames_checked} → {outcome}")
            print(f"    total {fmt(totals)}; stage p50 {stages}")
    print(f"\n## side by side, {args.pairs} identity pairs (half same person), per pair incl. both pictures")
    results = side_by_side(engine, args.pairs)
    base = pct(results["lifecert pipeline (FaceEngine.verify from bytes)"]["ms"], 50)
    base_cpu = pct(results["lifecert pipeline (FaceEngine.verify from bytes)"]["cpu"], 50)
    for label, r in results.items():
        if "missing" in r:
            print(f"{label}: not installed ({r['missing']}); pip install --no-deps face_recognition")
            continue
        p50 = pct(r["ms"], 50) if r["ms"] else float("nan")
        cpu50 = pct(r["cpu"], 50) if r["cpu"] else float("nan")
        print(
            f"{label:>52}: {fmt(r['ms'])}  ratio {p50 / base:4.2f}x  CPU p50 {cpu50:6.1f} ms (ratio "
            f"{cpu50 / base_cpu:4.2f}x)  correct {r['correct']}/{r['pairs']}  errors {r['errors']}"
        )
    if not args.skip_rss:
        print("\n## resident memory of one loaded worker (warm_up + verify + check), per DeepFace engine")
        for row in rss_per_engine():
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
