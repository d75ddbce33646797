"""MiniFASNet anti-spoofing through DeepFace's PyTorch engine, and the 'not run' path."""

from __future__ import annotations

from dataclasses import replace

import pytest

from face import antispoof
from face.engine import FaceEngine

pytestmark = pytest.mark.face


def test_recaptured_print_is_spoof_and_live_person_is_real(face_engine, photo):
    spoof = face_engine.check(photo("pad/spoof/minivision_F1.jpg")).spoof
    real = face_engine.check(photo("pad/real/minivision_T1.jpg")).spoof
    assert spoof.ran and spoof.is_real is False
    assert real.ran and real.is_real is True and real.score > 0.9


def test_missing_weights_mean_not_run(face_engine, photo, tmp_path):
    empty = tmp_path / "no_weights"
    empty.mkdir()
    engine = FaceEngine(replace(face_engine.config, antispoof_dir=empty))
    result = engine.check(photo("pad/spoof/minivision_F1.jpg"))
    assert result.spoof.ran is False and result.spoof.is_real is None
    assert "weights missing" in result.spoof.note and str(empty) in result.spoof.note
    assert result.quality.faces == 1  # the rest of the check still ran


def test_switched_off_means_not_run(face_engine, photo):
    config = replace(face_engine.config, antispoof_enabled=False)
    assert "switched off" in antispoof.unavailable_reason(config)
    assert FaceEngine(config).check(photo("pad/spoof/minivision_F1.jpg")).spoof.ran is False


def test_no_face_means_no_spoof_result(face_engine, photo):
    assert face_engine.check(photo("not_live/s25.jpg")).spoof is None
