"""Motion continuity of live clips against their frames shuffled or reversed (face.continuity).

    nice -n 19 .venv/bin/python -m bench.motion_continuity            # prints the Markdown table
    nice -n 19 .venv/bin/python -m bench.motion_continuity --decisions
        # whole liveness decisions of every live window under every condition, with the check and without

Every live window of bench/eval_liveness.py is sampled as liveness receives it — at the clip's own rate,
at the API rate (3 grid phases) and under every condition of bench/condition_matrix.py (same seeds, so the
same pictures) — JPEG-encoded, and its face frames analysed by `face.liveness.analyse_frames`. The same
windows at the API rate and at 10 frames a second are then sent with their frames reversed and shuffled
(several permutations) under the original, increasing capture times (what an attacker forges). For each
sequence `face.continuity.roughness` is printed: live clips must stay below
`LivenessConfig.max_motion_roughness`, shuffled ones should not (sequences with fewer face frames
than `motion_min_frames` are not judged and show as nan). The margin is the gap between the
roughest live sequence and the threshold.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import condition_matrix as cm  # noqa: E402
from bench import eval_liveness as ev  # noqa: E402
from face import continuity, liveness  # noqa: E402
from face.config import LivenessConfig  # noqa: E402
from face.frames import FrameSequence, to_timed_frames  # noqa: E402

SHUFFLES = 5
DUMP: list[tuple[str, str, np.ndarray, np.ndarray]] = []  # (window, condition, times, continuity.track)


def _rough(name: str, cond: str, frames) -> float:
    """The roughness the rule judges (nan when fewer face frames than it judges: never refused)."""
    DUMP.append((name, cond, np.array([f.t_ms for f in frames]), continuity.track(frames)))
    if len(frames) < LivenessConfig().motion_min_frames:
        return float("nan")
    return continuity.roughness(frames)[0]


def _frames(seq: FrameSequence, images: list[np.ndarray] | None = None, quality: int = 90):
    imgs = list(seq.images) if images is None else images
    timed = to_timed_frames(imgs, [t - seq.times_ms[0] for t in seq.times_ms], quality=quality)
    grays = [liveness._decode_gray(f, i) for i, f in enumerate(timed)]
    times = [f.t_ms for f in timed]
    return liveness.face_frames(liveness.analyse_frames(grays, times, LivenessConfig()))


def measure(log=None) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
    """(live rows, attack rows): (window, condition, roughness)."""
    live: list[tuple[str, str, float]] = []
    attacks: list[tuple[str, str, float]] = []
    rng = np.random.default_rng(20261130)
    for k, case in enumerate(ev.LIVE_CASES):
        name = f"{case.clip}[{case.start}:{case.stop}]"
        seq = ev.clip(case.clip).window(case.start, case.stop)
        live.append((name, "native", _rough(name, "native", _frames(seq))))
        for phase in (0.0, 1 / 3, 2 / 3):
            sub, fps = ev.api_rate(seq, phase)
            label = f"API {fps:g} fps, phase {phase:.2f}"
            live.append((name, label, _rough(name, label, _frames(sub))))
            if phase == 0.0:
                attack_bases = [(f"API {fps:g} fps", sub)]
        for ci, cond in enumerate(cm.CONDITIONS):
            crng = np.random.default_rng(1000 * ci + k)
            sub = cm.retime(seq, cond, crng)
            images = cm.relight(sub.images, cond, crng)
            live.append((name, cond.name, _rough(name, cond.name, _frames(sub, images, cond.quality))))
            if ci == 0:
                attack_bases.append((cond.name, sub))
        for base_name, base in attack_bases:
            rev = FrameSequence(tuple(reversed(base.images)), base.times_ms)
            label = f"reversed, {base_name}"
            attacks.append((name, label, _rough(name, label, _frames(rev))))
            for s in range(SHUFFLES):
                order = rng.permutation(len(base))
                shuf = FrameSequence(tuple(base.images[i] for i in order), base.times_ms)
                label = f"shuffled #{s}, {base_name}"
                attacks.append((name, label, _rough(name, label, _frames(shuf))))
        if log:
            mine = [r[2] for r in live if r[0] == name]
            bad = [r[2] for r in attacks if r[0] == name and r[1].startswith("shuffled")]
            log(f"{name}: live max {np.nanmax(mine):.3f}, shuffled min {np.nanmin(bad):.3f}")
    return live, attacks


def section(live, attacks) -> str:
    limit = LivenessConfig().max_motion_roughness
    out = [
        "| window | live sequences | live: roughest (condition) | shuffled: smoothest | shuffled refused "
        "| reversed: roughest |"
    ]
    out.append("|---|---|---|---|---|---|")
    for name in dict.fromkeys(r[0] for r in live):
        mine = [r for r in live if r[0] == name and not np.isnan(r[2])]
        worst = max(mine, key=lambda r: r[2])
        shuf = [r[2] for r in attacks if r[0] == name and r[1].startswith("shuffled")]
        rev = [r[2] for r in attacks if r[0] == name and r[1].startswith("reversed")]
        refused = sum(v > limit for v in shuf)
        out.append(
            f"| {name} | {len(mine)} | {worst[2]:.3f} ({worst[1]}) | {np.nanmin(shuf):.3f} | "
            f"{refused} of {len(shuf)} | {np.nanmax(rev):.3f} |"
        )
    judged = [r[2] for r in live if not np.isnan(r[2])]
    shuffled = [r[2] for r in attacks if r[1].startswith("shuffled")]
    caught = sum(v > limit for v in shuffled)
    out.append("")
    out.append(
        f"`max_motion_roughness` = {limit}: {len(judged)} live sequences judged ({len(live) - len(judged)} "
        f"with fewer than {LivenessConfig().motion_min_frames} face frames are not), roughest "
        f"{max(judged):.3f}, above the threshold {sum(v > limit for v in judged)} (margin "
        f"{limit - max(judged):.3f}); shuffled sequences refused {caught} of {len(shuffled)} (median "
        f"{np.nanmedian(shuffled):.3f}, smoothest {np.nanmin(shuffled):.3f}); reversed sequences refused "
        f"{sum(r[2] > limit for r in attacks if r[1].startswith('reversed'))} (as smooth as live ones)."
    )
    return "\n".join(out)


def decisions(log=None) -> str:
    """The live rows of bench/condition_matrix.py (every live window, every condition, the matrix's seeds),
    decided with the motion check and with it switched off: the check must reject no live run more."""
    off = replace(LivenessConfig(), max_motion_roughness=float("inf"))
    out = ["| condition | live rejected with the check | without it | reasons with the check |"]
    out.append("|---|---|---|---|")
    total = [0, 0]
    for ci, cond in enumerate(cm.CONDITIONS):
        rejected = [0, 0]
        why: dict[str, int] = {}
        for k, case in enumerate(ev.LIVE_CASES):
            seq = ev.clip(case.clip).window(case.start, case.stop)
            for j, cfg in enumerate((None, off)):
                det, _n = cm.run(case.actions, seq, cond, seed=1000 * ci + k, config=cfg)
                if not det.result.live:
                    rejected[j] += 1
                    if j == 0:
                        why[det.result.reason.value] = why.get(det.result.reason.value, 0) + 1
        total = [total[0] + rejected[0], total[1] + rejected[1]]
        n = len(ev.LIVE_CASES)
        reasons = ", ".join(f"{r} {c}" for r, c in sorted(why.items())) or "—"
        out.append(f"| {cond.name} | {rejected[0]}/{n} | {rejected[1]}/{n} | {reasons} |")
        if log:
            log(out[-1])
    out.append("")
    out.append(f"All conditions: {total[0]} live runs rejected with the check, {total[1]} without it.")
    return "\n".join(out)


def main() -> int:
    if "--decisions" in sys.argv:
        print(decisions(log=lambda s: print(s, file=sys.stderr, flush=True)))
        return 0
    live, attacks = measure(log=lambda s: print(s, file=sys.stderr, flush=True))
    if len(sys.argv) > 1:  # a file to keep every track in (to try other rules without re-measuring)
        import pickle

        Path(sys.argv[1]).write_bytes(pickle.dumps(DUMP))
    for r in live + attacks:
        print("\t".join((r[0], r[1], f"{r[2]:.4f}")), file=sys.stderr)
    print(section(live, attacks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
