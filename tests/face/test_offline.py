"""No model load opens a socket: a fresh process with the network calls patched to raise loads every model
(into an empty DEEPFACE_HOME, so the weight linking runs too) and verifies a pair."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.shared_data import REPO_ROOT, require_shared

pytestmark = pytest.mark.face

SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during an offline model load")
    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    from face.engine import FaceEngine
    from face import models
    engine = FaceEngine()
    engine.warm_up()
    faces = sys.argv[1]
    ref = engine.template(open(faces + "/identities/obama/obama.jpg", "rb").read())
    res = engine.verify([ref], open(faces + "/identities/obama/obama2.jpg", "rb").read())
    spoof = engine.check(open(faces + "/pad/real/minivision_T1.jpg", "rb").read()).spoof
    print(json.dumps({"attempts": attempts, "match": res.match, "spoof_ran": spoof.ran,
                      "engine": models.engine(), "tf": "tensorflow" in sys.modules,
                      "weights": sorted(p.name for p in models.weights_dir().iterdir())}))
    """
)


def test_models_load_and_verify_without_network(tmp_path):
    faces = require_shared("faces")
    require_shared("models", "anti_spoofing")
    env = {**os.environ, "DEEPFACE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("DEEPFACE_BACKEND_ENGINE", None)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(faces)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["attempts"] == []
    assert report["match"] is True and report["spoof_ran"] is True
    assert report["engine"] == "pytorch" and report["tf"] is False  # TensorFlow never imported
    assert {"dlib_face_recognition_resnet_model_v1.dat", "2.7_80x80_MiniFASNetV2.pth"} <= set(
        report["weights"]
    )
