"""Replay and injection attacks on ../shared/faces: recordings sent again, frames out of order.

    .venv/bin/python bench/eval_replay.py            # prints the Markdown section

`replay_section()` returns the Markdown that bench/face_evaluation.py puts into docs/face-evaluation.md
(section 5, after the liveness attacks). Every live case of bench/eval_liveness.py, at the API rate, is
"sent" once (its frame digests stored as api/challenges/replay.py stores them), then attacked:

- the same recording sent again to a new challenge (the same JPEG bytes) — the replay check;
- the same recording re-encoded (JPEG quality 90 → 80) and sent again — the replay check does not see it
  (by design: docs/security.md); what stops it is liveness on the new challenge's random actions, so the
  row is decided by liveness with the challenge the recording performs (the attacker's best case) and
  with the reverse order (another challenge);
- the frames sent with their capture times out of order — refused at the upload (api/challenges/router.py);
- the frames reversed and shuffled, sent with increasing times (the times forged to pass) — liveness.
A photo moved in front of the camera is the "… repeated with jitter" rows of the liveness attacks.
APCER = accepted attacks / attempts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.challenges import replay  # noqa: E402
from api.challenges.router import _times  # noqa: E402
from api.core.errors import ApiError  # noqa: E402
from bench.eval_liveness import LIVE_CASES, VIDEOS, api_rate, clip, run  # noqa: E402
from face.frames import FrameSequence, to_timed_frames  # noqa: E402
from face.types import Action  # noqa: E402

MIN_SHARE = 0.3  # the default of certification.replay_min_share


def _refused_at_upload(times: list[int]) -> str | None:
    try:
        _times(",".join(str(t) for t in times), len(times))
    except ApiError as exc:
        return exc.code
    return None


def _liveness(actions: tuple[Action, ...], seq: FrameSequence) -> str | None:
    """None when liveness accepts, else its reason."""
    detail, _ms = run(actions, seq)
    return None if detail.result.live else detail.result.reason.value


def attack_rows() -> list[tuple[str, str, str | None]]:
    """(attack kind, case, reason refused or None when accepted)."""
    rng = np.random.default_rng(20261130)
    rows: list[tuple[str, str, str | None]] = []
    for case in LIVE_CASES:
        seq, _fps = api_rate(clip(case.clip).window(case.start, case.stop))
        name = f"{case.clip}[{case.start}:{case.stop}]"
        times = [t - seq.times_ms[0] for t in seq.times_ms]
        sent = to_timed_frames(seq.images, times)
        stored = set(replay.digests(sent))
        again = replay.share(replay.digests(sent), stored) >= MIN_SHARE
        rows.append(("same recording sent to a new challenge", name, "replayed_frames" if again else None))
        recoded = to_timed_frames(seq.images, times, quality=80)
        if replay.share(replay.digests(recoded), stored) >= MIN_SHARE:
            rows.append(("same recording re-encoded, same actions", name, "replayed_frames"))
        else:
            rows.append(("same recording re-encoded, same actions", name, _liveness(case.actions, seq)))
            if len(case.actions) > 1:
                other = tuple(reversed(case.actions))
                rows.append(("same recording re-encoded, other actions", name, _liveness(other, seq)))
        swapped = list(times)
        swapped[1], swapped[2] = swapped[2], swapped[1]
        rows.append(("capture times out of order", name, _refused_at_upload(swapped)))
        reversed_seq = FrameSequence(tuple(reversed(seq.images)), seq.times_ms)
        rows.append(("frames reversed, times forged", name, _liveness(case.actions, reversed_seq)))
        order = rng.permutation(len(seq))
        shuffled = FrameSequence(tuple(seq.images[i] for i in order), seq.times_ms)
        rows.append(("frames shuffled, times forged", name, _liveness(case.actions, shuffled)))
    return rows


def replay_section() -> str:
    if not VIDEOS.is_dir():
        return "### Replay and injection\n\nNot run: ../shared/faces/videos is missing.\n"
    rows = attack_rows()
    kinds = list(dict.fromkeys(kind for kind, _, _ in rows))
    out = ["### Replay and injection (bench/eval_replay.py)", ""]
    out.append("| attack | attempts | accepted | APCER | reasons |")
    out.append("|---|---|---|---|---|")
    for kind in kinds:
        mine = [r for r in rows if r[0] == kind]
        accepted = sum(r[2] is None for r in mine)
        reasons: dict[str, int] = {}
        for _, _, reason in mine:
            if reason is not None:
                reasons[reason] = reasons.get(reason, 0) + 1
        listed = ", ".join(f"{r} {n}" for r, n in sorted(reasons.items(), key=lambda x: -x[1])) or "—"
        out.append(f"| {kind} | {len(mine)} | {accepted} | {accepted / len(mine):.0%} | {listed} |")
    out.append("")
    accepted = [f"{kind}: {name}" for kind, name, reason in rows if reason is None]
    out.append("Accepted: " + ("; ".join(accepted) if accepted else "none") + ".")
    out.append("")
    return "\n".join(out)


def main() -> int:
    print(replay_section())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
