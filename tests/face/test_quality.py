"""The quality gate on real photographs of ../shared/faces and synthetic degradations of them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from face.types import ReasonCode

pytestmark = pytest.mark.face


def verdict(engine, data) -> ReasonCode:
    return engine.check(data).quality.reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("obama/obama-240p.jpg", ReasonCode.FACE_TOO_SMALL),
        ("obama/obama-480p.jpg", ReasonCode.OK),
        ("obama/obama-1080p.jpg", ReasonCode.OK),
        ("obama/obama_small.jpg", ReasonCode.OK),
        ("obama/obama_partial_face.jpg", ReasonCode.FACE_CUT_OFF),
        ("obama/obama_partial_face2.jpg", ReasonCode.FACE_CUT_OFF),
        ("scenes/two_people.jpg", ReasonCode.MULTIPLE_FACES),
        ("scenes/obama_and_biden.jpg", ReasonCode.MULTIPLE_FACES),
        ("scenes/kit_with_rose.jpg", ReasonCode.MULTIPLE_FACES),
        ("not_live/s25.jpg", ReasonCode.NO_FACE),
    ],
)
def test_real_photos(face_engine, photo, name, expected):
    result = face_engine.check(photo(name))
    assert result.quality.reason is expected
    assert result.quality.ok is (expected is ReasonCode.OK)
    assert result.quality.message


def test_resolutions_of_one_photo_give_the_same_face_size(face_engine, photo):
    sizes = {
        face_engine.check(photo(f"obama/obama-{r}.jpg")).quality.face_px for r in ("480p", "720p", "1080p")
    }
    assert len(sizes) == 1 and sizes.pop() >= face_engine.config.min_face_px


@pytest.fixture(scope="module")
def obama(face_engine, photo):
    image = face_engine.load_image(photo("obama/obama.jpg"))
    return image, face_engine.detect(image)[0]


def test_darkened_photo_is_too_dark(face_engine, obama):
    image, _ = obama
    assert verdict(face_engine, (image * 0.3).astype(np.uint8)) is ReasonCode.TOO_DARK


def test_blurred_photo_is_blurred(face_engine, obama):
    image, _ = obama
    assert verdict(face_engine, cv2.GaussianBlur(image, (0, 0), 4)) is ReasonCode.BLURRED


def test_cropped_photo_is_cut_off(face_engine, obama):
    image, face = obama
    cut = np.ascontiguousarray(image[:, face.box.x + face.box.w // 3 :])
    assert verdict(face_engine, cut) is ReasonCode.FACE_CUT_OFF


def test_bright_background_dark_face_is_backlit(face_engine, obama):
    image, face = obama
    b = face.box
    lit = np.clip(image.astype(np.float32) * 0.35 + 170, 0, 255)
    lit[b.y : b.y + b.h, b.x : b.x + b.w] = image[b.y : b.y + b.h, b.x : b.x + b.w] * 0.4
    assert verdict(face_engine, lit.astype(np.uint8)) is ReasonCode.BACKLIT


def test_covered_eyes_are_not_visible(face_engine, obama):
    image, face = obama
    covered = image.copy()
    r = face.box.w // 7
    for eye in (face.left_eye, face.right_eye):
        cv2.circle(covered, (eye.x, eye.y), r, (10, 10, 10), -1)
    assert verdict(face_engine, covered) is ReasonCode.EYES_NOT_VISIBLE
    assert verdict(face_engine, image) is ReasonCode.OK  # the untouched photo passes


def test_enrol_refuses_what_the_gate_refuses(face_engine, photo):
    from face.types import FaceInputError

    for name, code in [
        ("scenes/kit_with_rose.jpg", ReasonCode.MULTIPLE_FACES),
        ("not_live/s39.jpg", ReasonCode.NO_FACE),
        ("obama/obama_partial_face.jpg", ReasonCode.FACE_CUT_OFF),
    ]:
        with pytest.raises(FaceInputError) as info:
            face_engine.enrol(photo(name))
        assert info.value.code is code
    template = face_engine.enrol(photo("obama/obama.jpg"))
    assert len(template.vector) == 128 and template.model == "Dlib"
