"""Every upload path goes through the one intake (issue 16, findings 1 and 12), over HTTP on SQLite and
PostgreSQL: frames, preview, reference faces, attestation/visit/manual-review/overseas documents.

Before: a 32000x32000 header in the frames took 7 s and 2.4 GB in ``cv2.imdecode`` (60000x60000: 503);
the manual-review upload took truncated JPEGs, 12000x12000 PNGs and 16-byte fake PDFs, opened a new
item per call and kept its files forever."""

from __future__ import annotations

import sqlalchemy as sa

from api.challenges.models import Challenge
from api.evidence.models import EvidenceFile
from api.review.models import ReviewItem, ReviewStatus
from shared.enums import StaffRole
from tests.api import intake_samples as samples
from tests.api.cert.conftest import new_key

CHALLENGES = "/api/v1/challenges"


def _challenge(client, make_person, name: str) -> str:
    person = make_person(name=name)
    resp = client.post(CHALLENGES, json={"id_number": person.id_number, "name": name})
    assert resp.status_code == 201, resp.text
    return resp.json()["challenge_id"]


def _frames(frames: list[bytes]) -> dict:
    return {
        "files": [("frames", (f"f{i}.jpg", data, "image/jpeg")) for i, data in enumerate(frames)],
        "data": {"times_ms": ",".join(str(i * 100) for i in range(len(frames))), "consent": "true"},
    }


def test_a_header_bomb_among_the_frames_is_refused_before_any_decoding(client, session, make_person) -> None:
    from api.core.settings import Settings

    count = Settings().min_frames + 2
    for width in (32000, 60000):
        challenge_id = _challenge(client, make_person, "炸弹甲")
        frames = [samples.jpeg(320, 240)] * count
        frames[3] = samples.jpeg_claiming(width, width)
        resp = client.post(
            f"{CHALLENGES}/{challenge_id}/frames", headers={"Idempotency-Key": new_key()}, **_frames(frames)
        )
        assert resp.status_code == 413, resp.text
        assert resp.json()["error"] == "image_too_large" and resp.json()["message"].startswith("Frame 4:")
        session.expire_all()
        assert session.get(Challenge, challenge_id).used_at is None  # refused before the claim


def test_a_truncated_frame_is_refused(client, make_person) -> None:
    from api.core.settings import Settings

    challenge_id = _challenge(client, make_person, "截断乙")
    frames = [samples.jpeg(320, 240)] * Settings().min_frames
    frames[0] = samples.truncated_jpeg()
    resp = client.post(
        f"{CHALLENGES}/{challenge_id}/frames", headers={"Idempotency-Key": new_key()}, **_frames(frames)
    )
    assert resp.status_code == 415 and resp.json()["error"] == "image_unreadable"


def test_a_preview_bomb_is_refused(client, make_person) -> None:
    challenge_id = _challenge(client, make_person, "预览丙")
    resp = client.post(
        f"{CHALLENGES}/{challenge_id}/preview",
        content=samples.jpeg_claiming(32000, 32000),
        headers={"Content-Type": "image/jpeg"},
    )
    assert resp.status_code == 413 and resp.json()["error"] == "image_too_large"


def test_a_reference_face_bomb_is_refused(client, make_person, make_staff) -> None:
    coordinator = make_staff(StaffRole.COORDINATOR)
    person = make_person(name="建模丁")
    resp = client.post(
        "/api/v1/onsite/references",
        headers=coordinator,
        data={
            "id_number": person.id_number,
            "name": "建模丁",
            "id_document_checked": "true",
            "id_card_last4": person.id_number[-4:],
        },
        files={"photo": ("ref.jpg", samples.jpeg_claiming(60000, 60000), "image/jpeg")},
    )
    assert resp.status_code == 413 and resp.json()["error"] == "image_too_large"


def _manual_review(client, person, name: str, files: list[tuple[str, bytes, str]], note: str | None = None):
    data = {"id_number": person.id_number, "name": name} | ({"note": note} if note else {})
    return client.post(
        "/api/v1/manual-review", data=data, files=[("files", (n, b, mime)) for n, b, mime in files]
    )


def _items(session, person) -> list[ReviewItem]:
    session.expire_all()
    return list(
        session.execute(sa.select(ReviewItem).where(ReviewItem.beneficiary_id == person.id)).scalars()
    )


def test_the_manual_review_upload_refuses_bad_files_and_stores_nothing(client, session, make_person) -> None:
    person = make_person(name="材料戊")
    cases = [
        (("cut.jpg", samples.truncated_jpeg(), "image/jpeg"), 415, "image_unreadable"),
        (("huge.png", samples.png_claiming(12000, 12000), "image/png"), 413, "image_too_large"),
        (("fake.pdf", samples.FAKE_PDF, "application/pdf"), 415, "pdf_unreadable"),
        (("long.pdf", samples.pdf(31), "application/pdf"), 413, "pdf_too_many_pages"),
    ]
    for upload, status, code in cases:
        resp = _manual_review(client, person, "材料戊", [("ok.jpg", samples.jpeg(), "image/jpeg"), upload])
        assert resp.status_code == status, (upload[0], resp.text)
        assert resp.json()["error"] == code and resp.json()["message"].startswith("File 2:")
    assert _items(session, person) == []


def test_overseas_and_attestation_uploads_use_the_same_intake(client, make_person, make_staff) -> None:
    from shared.enums import ResidenceKind

    abroad = make_person(name="海外己", residence_kind=ResidenceKind.OVERSEAS)
    resp = client.post(
        "/api/v1/overseas/submissions",
        data={"id_number": abroad.id_number, "name": "海外己"},
        files=[("documents", ("form.pdf", samples.FAKE_PDF, "application/pdf"))],
    )
    assert resp.status_code == 415 and resp.json()["error"] == "pdf_unreadable"
    good = client.post(
        "/api/v1/overseas/submissions",
        data={"id_number": abroad.id_number, "name": "海外己"},
        files=[("documents", ("form.pdf", samples.pdf(2), "application/pdf"))],
    )
    assert good.status_code == 201, good.text


def test_manual_review_files_get_a_retention_date_and_one_item_per_window(
    client, session, make_person
) -> None:
    person = make_person(name="重复庚")
    first = _manual_review(client, person, "重复庚", [("a.jpg", samples.jpeg(64, 48), "image/jpeg")])
    assert first.status_code == 201, first.text
    second = _manual_review(
        client,
        person,
        "重复庚",
        [("a.jpg", samples.jpeg(64, 48), "image/jpeg"), ("b.pdf", samples.pdf(1), "application/pdf")],
        note="second try",
    )
    assert second.status_code == 200, second.text
    assert second.json()["review_id"] == first.json()["review_id"]
    items = _items(session, person)
    assert len(items) == 1 and items[0].status is ReviewStatus.PENDING and items[0].note == "second try"
    files = list(
        session.execute(sa.select(EvidenceFile).where(EvidenceFile.review_item_id == items[0].id)).scalars()
    )
    assert sorted(f.content_type for f in files) == ["application/pdf", "image/jpeg"]  # a.jpg stored once
    from api.core.settings import Settings

    keep = Settings().certification.keep_manual_review_days
    for f in files:
        assert f.purge_after is not None
        assert (f.purge_after - f.created_at).days in (keep - 1, keep)


def test_simultaneous_manual_review_uploads_share_one_item(client, session, make_person, db_url) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import pytest

    if not db_url.startswith("postgresql"):
        pytest.skip("concurrency is exercised on PostgreSQL (SQLite serialises every writer)")
    person = make_person(name="并发辛")
    threads = 5
    barrier = threading.Barrier(threads)

    def one(i: int):
        barrier.wait()
        return _manual_review(client, person, "并发辛", [("p.jpg", samples.jpeg(40 + i, 30), "image/jpeg")])

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(one, range(threads)))
    assert sorted(a.status_code for a in answers) == [200] * (threads - 1) + [201], [a.text for a in answers]
    assert len({a.json()["review_id"] for a in answers}) == 1
    items = _items(session, person)
    assert len(items) == 1
    stored = session.execute(
        sa.select(sa.func.count()).select_from(EvidenceFile).where(EvidenceFile.review_item_id == items[0].id)
    ).scalar_one()
    assert stored == threads
