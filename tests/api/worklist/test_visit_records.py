"""Visit records when the face check cannot be done (reviewed, then certified as home_visit), and the ID
card check on the home-visit face path (on-site challenges and reference enrolment)."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image

from api.audit import AuditEvent
from api.beneficiaries.models import Certification
from api.evidence.models import EvidenceFile
from api.review.models import ReviewItem
from api.worklist.models import VisitRequest
from shared.enums import StaffRole

STAFF = "/api/v1/visits"


def jpeg(color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def scheduled_request(client, session, person, name, coordinator, today) -> int:
    asked = client.post(
        "/api/v1/visit-requests",
        json={"id_number": person.id_number, "name": name, "phone": "13800000010", "reason": "bedridden"},
    )
    assert asked.status_code == 201, asked.text
    request_id = session.execute(
        sa.select(VisitRequest.id).where(VisitRequest.beneficiary_id == person.id)
    ).scalar_one()
    resp = client.post(
        f"{STAFF}/{request_id}/schedule",
        json={"scheduled_on": today.isoformat(), "worker_id": coordinator.id},
        headers=coordinator.headers,
    )
    assert resp.status_code == 200, resp.text
    return request_id


def record(client, request_id, coordinator, today, photos, **fields):
    data = {
        "reason": "bedridden_no_camera",
        "notes": "本人卧床，神志清楚，与其交谈确认健在",
        "visited_on": today.isoformat(),
    }
    data.update(fields)
    return client.post(
        f"{STAFF}/{request_id}/record",
        headers=coordinator.headers,
        data=data,
        files=[("photos", (f"p{i}.jpg", p, "image/jpeg")) for i, p in enumerate(photos)],
    )


def test_a_visit_record_is_reviewed_and_approval_certifies_as_home_visit(
    client, session, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[0], name="卧床老人", birth=births.window_just_opened(90), bedridden=True)
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    request_id = scheduled_request(client, session, person, "卧床老人", coordinator, births.today)

    made = record(client, request_id, coordinator, births.today, [jpeg(), jpeg("gray")])
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["reason"], body["photos"], body["review_status"]) == ("bedridden_no_camera", 2, "pending")
    request = client.get(f"{STAFF}/{request_id}", headers=coordinator.headers).json()
    assert request["state"] == "done" and request["record"]["record_id"] == body["record_id"]

    reviewer = make_region_staff(StaffRole.REVIEWER, area.township)
    item = client.get(f"/api/v1/review/items/{body['review_id']}", headers=reviewer.headers).json()
    assert (item["kind"], item["method"], item["reason_code"]) == (
        "home_visit",
        "home_visit",
        "bedridden_no_camera",
    )
    assert len(item["evidence"]) == 2 and {e["taken_on"] for e in item["evidence"]} == {
        births.today.isoformat()
    }
    assert {e["uploaded_by"]["staff_id"] for e in item["evidence"]} == {coordinator.id}
    photos = [
        client.get(
            f"/api/v1/review/items/{body['review_id']}/evidence/{e['evidence_id']}", headers=reviewer.headers
        )
        for e in item["evidence"]  # an approval needs every file opened by the approving reviewer
    ]
    assert photos[0].status_code == 200 and photos[0].content == jpeg()

    decided = client.post(
        f"/api/v1/review/items/{body['review_id']}/decision",
        json={"approve": True, "reason": "照片与记录一致，同意"},
        headers=reviewer.headers,
    )
    assert decided.status_code == 200, decided.text
    session.expire_all()
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert (cert.method.value, cert.operator_kind, cert.operator_id) == (
        "home_visit",
        "staff",
        coordinator.id,
    )
    status = client.post("/api/v1/status", json={"id_number": person.id_number, "name": "卧床老人"}).json()
    assert status["entitlements"][0]["state"] == "certified"
    assert status["entitlements"][0]["last_method"] == "home_visit"
    assert status["visit"]["state"] == "done"
    assert record(client, request_id, coordinator, births.today, [jpeg()]).status_code == 409
    actions = set(
        session.execute(
            sa.select(AuditEvent.action).where(
                AuditEvent.entity_type == "visit_record", AuditEvent.entity_id == str(body["record_id"])
            )
        ).scalars()
    )
    assert actions == {"visit_record.create"}


def test_a_visit_record_needs_a_scheduled_visit_real_photos_and_a_past_date(
    client, session, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[0], name="认知障碍", birth=births.window_just_opened(88))
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    client.post(
        "/api/v1/visit-requests",
        json={"id_number": person.id_number, "name": "认知障碍", "phone": "13800000011", "reason": "elderly"},
    )
    request_id = session.execute(
        sa.select(VisitRequest.id).where(VisitRequest.beneficiary_id == person.id)
    ).scalar_one()
    files_before = session.execute(sa.select(sa.func.count()).select_from(EvidenceFile)).scalar_one()
    unscheduled = record(client, request_id, coordinator, births.today, [jpeg()], reason="dementia")
    assert unscheduled.status_code == 409 and unscheduled.json()["error"] == "invalid_transition"
    client.post(
        f"{STAFF}/{request_id}/schedule",
        json={"scheduled_on": births.today.isoformat(), "worker_id": coordinator.id},
        headers=coordinator.headers,
    )
    not_image = record(client, request_id, coordinator, births.today, [b"%PDF-1.4 not a photo"])
    assert not_image.status_code == 415 and not_image.json()["error"] == "unacceptable_file"
    broken = record(client, request_id, coordinator, births.today, [b"\xff\xd8\xff broken jpeg"])
    assert broken.status_code == 415
    future = record(client, request_id, coordinator, births.today + timedelta(days=2), [jpeg()])
    assert future.status_code == 422 and future.json()["error"] == "future_date"
    unknown_reason = record(client, request_id, coordinator, births.today, [jpeg()], reason="tired")
    assert unknown_reason.status_code == 422
    no_photo = client.post(
        f"{STAFF}/{request_id}/record",
        headers=coordinator.headers,
        data={"reason": "dementia", "notes": "无法配合", "visited_on": births.today.isoformat()},
    )
    assert no_photo.status_code == 422
    assert session.execute(sa.select(sa.func.count()).select_from(EvidenceFile)).scalar_one() == files_before
    session.expire_all()
    assert session.get(VisitRequest, request_id).state.value == "scheduled"
    reviewer = make_region_staff(StaffRole.REVIEWER, area.villages[0])
    assert record(client, request_id, reviewer, births.today, [jpeg()]).status_code == 403
    ok = record(client, request_id, coordinator, births.today, [jpeg()], reason="dementia")
    assert ok.status_code == 201, ok.text
    assert (
        session.execute(sa.select(ReviewItem.kind).where(ReviewItem.public_id == ok.json()["review_id"]))
        .scalar_one()
        .value
        == "home_visit"
    )


def test_the_home_visit_face_path_checks_the_id_card(
    client, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[0], name="核对证件", birth=births.window_just_opened(81))
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    wrong = "0000" if person.id_number[-4:] != "0000" else "1111"
    body = {"id_number": person.id_number, "name": "核对证件"}
    mismatch = client.post(
        "/api/v1/onsite/challenges", json={**body, "id_card_last4": wrong}, headers=coordinator.headers
    )
    assert mismatch.status_code == 422 and mismatch.json()["error"] == "id_card_mismatch"
    missing = client.post("/api/v1/onsite/challenges", json=body, headers=coordinator.headers)
    assert missing.status_code == 422 and missing.json()["error"] == "validation_error"
    started = client.post(
        "/api/v1/onsite/challenges",
        json={**body, "id_card_last4": person.id_number[-4:].lower()},
        headers=coordinator.headers,
    )
    assert started.status_code == 201, started.text

    enrol = client.post(
        "/api/v1/onsite/references",
        headers=coordinator.headers,
        data={**body, "id_card_last4": wrong},
        files={"photo": ("ref.jpg", jpeg(), "image/jpeg")},
    )
    assert enrol.status_code == 422 and enrol.json()["error"] == "id_card_mismatch"
