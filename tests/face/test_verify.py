"""Verification with the real Dlib model: genuine and impostor pairs, several references, the review band."""

from __future__ import annotations

from dataclasses import replace

import pytest

from face.engine import FaceEngine
from face.types import FaceInputError, ReasonCode, Template

pytestmark = pytest.mark.face


@pytest.fixture(scope="module")
def refs(face_engine, photo):
    return {
        name: face_engine.template(photo(name))
        for name in ("obama/obama.jpg", "obama/obama3.jpg", "biden/biden.jpg", "kit_harington/kit2.jpg")
    }


def test_same_person_matches_and_other_person_does_not(face_engine, photo, refs):
    same = face_engine.verify([refs["obama/obama.jpg"]], photo("obama/obama2.jpg"))
    other = face_engine.verify([refs["biden/biden.jpg"]], photo("obama/obama2.jpg"))
    assert same.match and same.distance <= same.threshold
    assert not other.match and not other.borderline and other.distance > face_engine.config.review_limit
    assert same.threshold == face_engine.config.threshold


def test_several_references_take_the_nearest(face_engine, photo, refs):
    probe = photo("obama/obama4.jpg")
    singles = [face_engine.verify([refs[n]], probe).distance for n in ("obama/obama.jpg", "obama/obama3.jpg")]
    both = face_engine.verify(
        [refs["obama/obama.jpg"], refs["obama/obama3.jpg"], refs["kit_harington/kit2.jpg"]], probe
    )
    assert both.distance == min(singles)
    assert both.match


def test_templates_of_another_model_are_ignored(face_engine, photo, refs):
    foreign = Template(vector=refs["obama/obama.jpg"].vector, model="Facenet512", detector="retinaface")
    with pytest.raises(FaceInputError) as info:
        face_engine.verify([foreign], photo("obama/obama2.jpg"))
    assert info.value.code is ReasonCode.NO_REFERENCE
    # mixed: the foreign one is skipped, the Dlib one decides
    result = face_engine.verify([foreign, refs["biden/biden.jpg"]], photo("obama/obama2.jpg"))
    assert not result.match


def test_distance_just_above_threshold_is_borderline(face_engine, photo, refs):
    d = face_engine.verify([refs["obama/obama.jpg"]], photo("obama/obama2.jpg")).distance
    strict = FaceEngine(replace(face_engine.config, threshold=d - 0.01, review_band=0.05))
    result = strict.verify([refs["obama/obama.jpg"]], photo("obama/obama2.jpg"))
    assert not result.match and result.borderline
    stricter = FaceEngine(replace(face_engine.config, threshold=d - 0.2, review_band=0.05))
    assert not stricter.verify([refs["obama/obama.jpg"]], photo("obama/obama2.jpg")).borderline


def test_probe_with_no_face_or_two_faces_is_refused(face_engine, photo, refs):
    for name, code in [
        ("not_live/s39.jpg", ReasonCode.NO_FACE),
        ("scenes/two_people.jpg", ReasonCode.MULTIPLE_FACES),
    ]:
        with pytest.raises(FaceInputError) as info:
            face_engine.verify([refs["obama/obama.jpg"]], photo(name))
        assert info.value.code is code
