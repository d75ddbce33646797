"""`python -m face ...` as other tools call it: one subprocess per command (each loads models: seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.shared_data import REPO_ROOT

pytestmark = pytest.mark.face


def run(*args: str, cwd=None) -> tuple[int, list[dict]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "face", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or REPO_ROOT,
        timeout=300,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return out.returncode, lines


def test_verify_match(faces_dir):
    ids = faces_dir / "identities"
    code, lines = run("verify", str(ids / "obama/obama.jpg"), str(ids / "obama/obama2.jpg"))
    assert code == 0 and len(lines) == 1
    assert set(lines[0]) == {"match", "distance", "threshold"}
    assert lines[0]["match"] is True and lines[0]["distance"] < lines[0]["threshold"]


def test_verify_unusable_input_exits_2(faces_dir, tmp_path):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a jpeg")
    code, lines = run("verify", str(faces_dir / "identities/obama/obama.jpg"), str(junk))
    assert code == 2 and lines == [{"error": "not_an_image", "message": lines[0]["message"]}]
    assert lines[0]["message"]


def test_eval_pairs(faces_dir, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "a,b,same\nobama/obama.jpg,obama/obama2.jpg,1\nobama/obama.jpg,biden/biden.jpg,0\n"
        "biden/biden.jpg,scenes_missing.jpg,0\n"
    )
    code, lines = run("eval-pairs", "--pairs", str(pairs), "--root", str(faces_dir / "identities"))
    assert code == 0 and len(lines) == 4
    assert lines[0]["match"] is True and lines[1]["match"] is False
    assert "error" in lines[2]
    summary = lines[-1]
    assert set(summary) == {"pairs", "accuracy", "false_accepts", "false_rejects", "errors", "ms_per_pair"}
    assert summary["pairs"] == 3 and summary["errors"] == 1 and summary["accuracy"] == 1.0
    assert summary["false_accepts"] == 0 and summary["false_rejects"] == 0 and summary["ms_per_pair"] > 0


def test_check(faces_dir):
    code, lines = run("check", str(faces_dir / "scenes/two_people.jpg"))
    assert code == 0 and len(lines) == 1
    assert lines[0]["faces"] == 2 and lines[0]["quality"]["reason"] == "multiple_faces"
    assert lines[0]["spoof"]["ran"] in (True, False)


def test_liveness_dispatches_to_the_liveness_cli():
    pytest.importorskip("face.cli_liveness")
    code, lines = run("liveness", "--actions", "blink", "--frames", "/nonexistent/clip.mp4")
    assert code == 2 and "error" in lines[-1]
