"""`python -m face liveness` (face.cli_liveness.main): the JSON contract and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import pytest

from face import cli_liveness
from tests.shared_data import REPO_ROOT

pytestmark = pytest.mark.face


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = cli_liveness.main(list(argv))
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1  # exactly one JSON object
    return code, json.loads(out[0])


def test_video_subsampled_passes(capsys, faces_dir):
    code, out = run(
        capsys, "--actions", "open_mouth,blink", "--frames", str(faces_dir / "videos/d18.mp4"), "--fps", "10"
    )
    assert code == 0
    assert set(out) >= {"live", "actions", "reason"}
    assert out["live"] is True and out["reason"] == "ok"
    assert [a["action"] for a in out["actions"]] == ["open_mouth", "blink"]
    mouth, blink = (a["frame"] for a in out["actions"])
    assert 61 <= mouth <= 97 and 90 <= blink <= 100  # frame numbers of the video itself


def test_folder_of_images_in_name_order(capsys, faces_dir, tmp_path):
    cap = cv2.VideoCapture(str(faces_dir / "videos/d18.mp4"))
    n = 0
    for i in range(125):
        ok, frame = cap.read()
        assert ok
        if i >= 30 and i % 3 == 0:  # 10 pictures a second from frame 30 on
            cv2.imwrite(str(tmp_path / f"frame_{n:03d}.jpg"), frame)
            n += 1
    cap.release()
    code, out = run(capsys, "--actions", "open_mouth,blink", "--frames", str(tmp_path), "--fps", "10")
    assert code == 0 and out["live"] is True
    code, out = run(capsys, "--actions", "blink,open_mouth", "--frames", str(tmp_path), "--fps", "10")
    assert code == 0 and out["live"] is False and out["reason"] == "actions_out_of_order"


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--actions", "wink", "--frames", "x"], "bad_arguments"),
        (["--actions", "blink,blink", "--frames", "x"], "bad_arguments"),
        (["--frames", "x"], "bad_arguments"),
        (["--actions", "blink", "--frames", "/no/such/path.mp4"], "empty_input"),
        (["--actions", "blink", "--frames", "x", "--fps", "0"], "bad_arguments"),
    ],
)
def test_unusable_input_exits_2_with_json(capsys, argv, error):
    code, out = run(capsys, *argv)
    assert code == 2 and out["error"] == error and out["message"]


def test_unreadable_files_exit_2(capsys, tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"not an image")
    code, out = run(capsys, "--actions", "blink", "--frames", str(tmp_path))
    assert code == 2 and out["error"] == "not_an_image"
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not a video")
    code, out = run(capsys, "--actions", "blink", "--frames", str(video))
    assert code == 2 and out["error"] == "not_an_image"


def test_python_dash_m_face_dispatches_here(faces_dir):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "face",
            "liveness",
            "--actions",
            "blink,open_mouth",
            "--frames",
            str(faces_dir / "not_live"),
        ],
        check=False,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["live"] is False  # six different pictures, 0.5 s: not a live capture


def _folder_of_d18(faces_dir, tmp_path, every: int = 3) -> int:
    """d18 frames 30..125, one every `every` (10 pictures a second): neutral, mouth open, blink."""
    cap = cv2.VideoCapture(str(faces_dir / "videos/d18.mp4"))
    n = 0
    for i in range(125):
        ok, frame = cap.read()
        assert ok
        if i >= 30 and i % every == 0:
            cv2.imwrite(str(tmp_path / f"frame_{n:03d}.jpg"), frame)
            n += 1
    cap.release()
    return n


def test_times_ms_replays_an_irregular_capture(capsys, faces_dir, tmp_path):
    """--times-ms gives the capture times as the API's times_ms: the same pictures with a 3.5 s stall in
    the middle are a slow device (too_few_frames, a retry), and with times going backwards a refusal."""
    n = _folder_of_d18(faces_dir, tmp_path)
    steady = [i * 100 for i in range(n)]
    code, out = run(
        capsys,
        "--actions",
        "open_mouth,blink",
        "--frames",
        str(tmp_path),
        "--times-ms",
        ",".join(map(str, steady)),
    )
    assert code == 0 and out["live"] is True
    stalled = [t + (3500 if i >= n // 2 else 0) for i, t in enumerate(steady)]
    code, out = run(
        capsys,
        "--actions",
        "open_mouth,blink",
        "--frames",
        str(tmp_path),
        "--times-ms",
        ",".join(map(str, stalled)),
    )
    assert code == 0 and out["live"] is False and out["reason"] == "too_few_frames"
    backwards = list(reversed(steady))
    code, out = run(
        capsys,
        "--actions",
        "open_mouth,blink",
        "--frames",
        str(tmp_path),
        "--times-ms",
        ",".join(map(str, backwards)),
    )
    assert out["reason"] == "implausible_timing"
    code, out = run(capsys, "--actions", "blink", "--frames", str(tmp_path), "--times-ms", "1,2,3")
    assert code == 2 and out["error"] == "bad_arguments"


def test_decide_prints_the_decision_and_the_floor(faces_dir, tmp_path):
    """`python -m face decide`: one JSON line with the decision and its cost against the dlib floor (figures
    are printed, never asserted: the machine is shared)."""
    frames = tmp_path / "frames"
    frames.mkdir()
    _folder_of_d18(faces_dir, frames)
    reference = tmp_path / "reference.jpg"
    reference.write_bytes((frames / "frame_000.jpg").read_bytes())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "face",
            "decide",
            "--reference",
            str(reference),
            "--frames",
            str(frames),
            "--actions",
            "open_mouth,blink",
            "--fps",
            "10",
            "--repeat",
            "1",
        ],
        check=False,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["live"] is True and out["match"] is True and out["reason"] in {"ok", "spoof_suspected"}
    assert out["outcome"] in {"passed", "needs_review"}  # MiniFASNet doubts d18's camera (face/config.py)
    assert out["ms_p50"] > 0 and out["floor_ms_p50"] > 0 and out["ratio"] > 0
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "face",
            "decide",
            "--reference",
            str(tmp_path / "nope.jpg"),
            "--frames",
            str(frames),
            "--actions",
            "blink",
        ],
        check=False,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"] == "empty_input"
