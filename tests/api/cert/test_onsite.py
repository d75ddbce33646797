"""Staff on site: reference enrolment (人脸建模) after checking the ID document, and a face challenge run
on the staff member's device for the person in front of them (the staff member is the operator)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Certification, ReferenceFace
from shared.enums import StaffRole
from tests.api.cert.clips import PASSING_ACTIONS, live_frames, multipart, reference_photo
from tests.api.cert.conftest import new_key
from tests.shared_data import require_shared

pytestmark = pytest.mark.face
NAME = "马大爷"


def enrol(client, headers, person, photo: bytes, **extra):
    data = {
        "id_number": person.id_number,
        "name": NAME,
        "id_card_last4": person.id_number[-4:],
        **extra,
    }
    return client.post(
        "/api/v1/onsite/references",
        headers=headers,
        data=data,
        files={"photo": ("ref.jpg", photo, "image/jpeg")},
    )


def test_enrolment_checks_the_document_the_photo_and_replaces_on_request(
    face_client, session, make_person, make_staff
):
    coordinator = make_staff(StaffRole.COORDINATOR)
    person = make_person(name=NAME)
    two = require_shared("faces", "scenes", "two_people.jpg").read_bytes()
    crowded = enrol(face_client, coordinator, person, two)
    assert crowded.status_code == 422 and crowded.json()["error"] == "multiple_faces"
    not_image = enrol(face_client, coordinator, person, b"not an image")
    assert not_image.status_code == 415 and not_image.json()["error"] == "unacceptable_file"

    first = enrol(face_client, coordinator, person, reference_photo())
    second = enrol(face_client, coordinator, person, reference_photo(), replace="true")
    assert first.status_code == second.status_code == 201
    session.expire_all()
    rows = (
        session.execute(
            sa.select(ReferenceFace)
            .where(ReferenceFace.beneficiary_id == person.id)
            .order_by(ReferenceFace.id)
        )
        .scalars()
        .all()
    )
    # both wait for a live check or a second staff member; the replacement happens on confirmation
    assert [(r.source.value, r.active, r.awaiting_confirmation, r.replaces_others) for r in rows] == [
        ("onsite_enrolment", False, True, False),
        ("onsite_enrolment", False, True, True),
    ]


def test_onsite_challenge_records_the_staff_member_as_operator(
    face_client, session, make_person, make_staff, fixed_actions
):
    coordinator = make_staff(StaffRole.COORDINATOR)
    person = make_person(name=NAME)
    assert enrol(face_client, coordinator, person, reference_photo()).status_code == 201
    fixed_actions(PASSING_ACTIONS)
    started = face_client.post(
        "/api/v1/onsite/challenges",
        headers=coordinator,
        json={"id_number": person.id_number, "name": NAME, "id_card_last4": person.id_number[-4:].lower()},
    )
    assert started.status_code == 201
    url = f"/api/v1/challenges/{started.json()['challenge_id']}/frames"
    # Without the staff member's token (the person's own phone, or another device) it is refused.
    assert (
        face_client.post(url, headers={"Idempotency-Key": new_key()}, **multipart(live_frames())).status_code
        == 403
    )
    other = make_staff(StaffRole.COORDINATOR)
    assert (
        face_client.post(
            url, headers={**other, "Idempotency-Key": new_key()}, **multipart(live_frames())
        ).status_code
        == 403
    )
    done = face_client.post(
        url, headers={**coordinator, "Idempotency-Key": new_key()}, **multipart(live_frames())
    )
    assert done.status_code == 200 and done.json()["result"] == "passed", done.text
    assert done.json()["receipt"]["method"] == "staff_onsite"
    session.expire_all()
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert cert.method.value == "staff_onsite" and cert.operator_kind == "staff"
    issued = session.execute(
        sa.select(AuditEvent).where(
            AuditEvent.action == "challenge.issue", AuditEvent.entity_id == started.json()["challenge_id"]
        )
    ).scalar_one()
    assert issued.actor == f"staff:{cert.operator_id}" and issued.after["purpose"] == "staff_onsite"
