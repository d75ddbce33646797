"""``POST /api/v1/challenges/{id}/preview``: live quality hints on real photos of ../shared/faces, the
limits, and that a preview is never stored nor counted as a failed attempt."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from api.challenges.models import Challenge, FailedAttempt
from api.core.db import utcnow
from tests.shared_data import require_shared

URL = "/api/v1/challenges"


def new_challenge(client, make_person, name: str) -> str:
    person = make_person(name=name)
    resp = client.post(URL, json={"id_number": person.id_number, "name": name})
    assert resp.status_code == 201, resp.text
    return resp.json()["challenge_id"]


def preview(client, challenge_id: str, data: bytes):
    return client.post(f"{URL}/{challenge_id}/preview", content=data, headers={"Content-Type": "image/jpeg"})


def as_jpeg(path, *, brightness: float = 1.0) -> bytes:
    from PIL import Image, ImageEnhance

    with Image.open(path) as img:
        img = img.convert("RGB")
        if brightness != 1.0:
            img = ImageEnhance.Brightness(img).enhance(brightness)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=90)
        return out.getvalue()


@pytest.fixture(scope="module")
def faces():
    return require_shared("faces")


def test_real_photos_get_the_quality_gate_verdict(face_client, make_person, session, faces, db_url) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the face verdicts do not depend on the database: checked once, on sqlite")
    challenge_id = new_challenge(face_client, make_person, "预览甲")
    obama = faces / "identities" / "obama"
    expected = {
        "obama.jpg": (as_jpeg(obama / "obama.jpg"), True, "ok"),
        "two_people.jpg": (as_jpeg(faces / "scenes" / "two_people.jpg"), False, "multiple_faces"),
        "obama.jpg darkened": (as_jpeg(obama / "obama.jpg", brightness=0.12), False, "too_dark"),
        "obama-240p.jpg": (as_jpeg(obama / "obama-240p.jpg"), False, "face_too_small"),
    }
    for label, (data, ok, reason) in expected.items():
        resp = preview(face_client, challenge_id, data)
        assert resp.status_code == 200, (label, resp.text)
        body = resp.json()
        assert (body["ok"], body["reason"]) == (ok, reason), (label, body)
        assert body["message"], label
    # Nothing was stored or counted: the challenge is still unused and no failed attempt was recorded.
    session.expire_all()
    assert session.get(Challenge, challenge_id).used_at is None
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(FailedAttempt)
            .where(FailedAttempt.challenge_id == challenge_id)
        ).scalar_one()
        == 0
    )


def test_garbage_and_oversized_pictures_are_refused_with_a_message(face_client, make_person) -> None:
    challenge_id = new_challenge(face_client, make_person, "预览乙")
    not_jpeg = preview(face_client, challenge_id, b"hello, this is not a picture")
    assert not_jpeg.status_code == 415 and not_jpeg.json()["error"] == "not_jpeg"
    assert "JPEG" in not_jpeg.json()["message"]
    broken = preview(face_client, challenge_id, b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500)
    assert broken.status_code == 415 and broken.json()["error"] == "image_unreadable"  # the intake
    assert broken.json()["message"]
    empty = preview(face_client, challenge_id, b"")
    assert empty.status_code == 422 and empty.json()["message"]
    huge = preview(face_client, challenge_id, b"\xff\xd8\xff\xe0" + b"\x00" * (600 * 1024))
    assert huge.status_code == 413 and huge.json()["error"] == "payload_too_large"


def test_only_a_live_challenge_accepts_previews(client, session, make_person) -> None:
    expired = new_challenge(client, make_person, "预览丙")
    used = new_challenge(client, make_person, "预览丁")
    session.get(Challenge, expired).expires_at = utcnow() - timedelta(seconds=1)
    session.get(Challenge, used).used_at = utcnow()
    session.commit()
    picture = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    resp = preview(client, expired, picture)
    assert resp.status_code == 410 and resp.json()["error"] == "challenge_expired"
    resp = preview(client, used, picture)
    assert resp.status_code == 409 and resp.json()["error"] == "challenge_used"
    resp = preview(client, "no-such-challenge", picture)
    assert resp.status_code == 404 and resp.json()["message"]


def test_previews_are_rate_limited_per_client(make_client, make_person) -> None:
    from api.core.settings import LimitSettings

    limited = make_client(limits=LimitSettings(preview="5/hour"))
    challenge_id = new_challenge(limited, make_person, "预览戊")  # a lookup: another budget
    codes = [preview(limited, "no-such-challenge", b"x").status_code for _ in range(8)]
    assert codes[:5] == [404] * 5
    assert codes[5:] == [429] * 3
    refused = preview(limited, challenge_id, b"x")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
