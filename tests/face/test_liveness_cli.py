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
    code, out = run(capsys, "--actions", "open_mouth,blink", "--frames", str(faces_dir / "videos/d18.mp4"),
                    "--fps", "10")
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
        [sys.executable, "-m", "face", "liveness", "--actions", "blink,open_mouth", "--frames",
         str(faces_dir / "not_live")],
        check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["live"] is False  # six different pictures, 0.5 s: not a live capture
