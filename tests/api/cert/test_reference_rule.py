"""Finding 4, the reference-face rule: a reference face added by staff records the staff member who added it
and checked the ID document (the server decides: a caller's ``id_document_checked`` counts for nothing), is
not used until a second staff member confirms it or the same staff member's live face check of the person
does, and every addition and confirmation is audited and shown to reviewers in the review case."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import ReferenceFace
from shared.enums import StaffRole
from tests.api.cert.clips import PASSING_ACTIONS, live_frames, multipart, reference_photo
from tests.api.cert.conftest import new_key
from tests.shared_data import require_shared

pytestmark = pytest.mark.face
NAME = "任大娘"


def enrol(client, headers, person, photo: bytes, **extra):
    return client.post(
        "/api/v1/onsite/references",
        headers=headers,
        data={"id_number": person.id_number, "name": NAME, "id_card_last4": person.id_number[-4:], **extra},
        files={"photo": ("ref.jpg", photo, "image/jpeg")},
    )


def onsite_certify(client, headers, person):
    started = client.post(
        "/api/v1/onsite/challenges",
        headers=headers,
        json={"id_number": person.id_number, "name": NAME, "id_card_last4": person.id_number[-4:]},
    )
    assert started.status_code == 201, started.text
    url = f"/api/v1/challenges/{started.json()['challenge_id']}/frames"
    return client.post(url, headers={**headers, "Idempotency-Key": new_key()}, **multipart(live_frames()))


def refs_of(session, person) -> list[ReferenceFace]:
    session.expire_all()
    return list(
        session.execute(
            sa.select(ReferenceFace)
            .where(ReferenceFace.beneficiary_id == person.id)
            .order_by(ReferenceFace.id)
        ).scalars()
    )


def events(session, action: str, ref_id: int) -> list[AuditEvent]:
    return list(
        session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity_id == str(ref_id))
        ).scalars()
    )


@pytest.mark.usefixtures("replays_allowed")  # binds, then certifies, with the one sample clip
def test_a_staff_reference_waits_and_the_same_staff_live_check_confirms_it(
    face_client, session, make_person, make_staff, fixed_actions
):
    coordinator, staff_id = make_staff(StaffRole.COORDINATOR, with_id=True)
    person = make_person(name=NAME)
    added = enrol(face_client, coordinator, person, reference_photo(), id_document_checked="false")
    assert added.status_code == 201, added.text  # the caller's flag is not what counts: the server records
    body = added.json()
    assert body["status"] == "awaiting_confirmation" and body["confirm_by"] > body["created_at"]
    (ref,) = refs_of(session, person)
    assert (ref.active, ref.awaiting_confirmation) == (False, True)
    assert ref.added_by_staff_id == ref.id_checked_by_staff_id == staff_id
    (enrolled,) = events(session, "reference.enrol", ref.id)
    assert enrolled.actor == f"staff:{staff_id}" and enrolled.after["id_checked_by"] == staff_id

    # Another staff member's face challenge does not use it (nothing to compare with: an officer reviews).
    other = make_staff(StaffRole.COORDINATOR)
    fixed_actions(PASSING_ACTIONS)
    elsewhere = onsite_certify(face_client, other, person)
    assert elsewhere.status_code == 200 and elsewhere.json()["result"] == "needs_review", elsewhere.text
    assert refs_of(session, person)[0].awaiting_confirmation

    # The same staff member's live check of the person confirms it, and the person is certified.
    done = onsite_certify(face_client, coordinator, person)
    assert done.status_code == 200 and done.json()["result"] == "passed", done.text
    (ref,) = refs_of(session, person)
    assert (ref.active, ref.awaiting_confirmation, ref.confirmation) == (True, False, "live_check")
    assert ref.confirmed_by_staff_id == staff_id and ref.live_check_challenge_id
    (confirmed,) = events(session, "reference.confirm", ref.id)
    assert confirmed.after["confirmation"] == "live_check"

    # Reviewers see who added, ID-checked and confirmed it, in the case they open.
    reviewer = make_staff(StaffRole.REVIEWER)
    case = face_client.get(f"/api/v1/review/items/{elsewhere.json()['review_id']}", headers=reviewer)
    assert case.status_code == 200, case.text
    (shown,) = case.json()["references"]
    assert shown["reference_id"] == ref.id and shown["status"] == "active"
    assert shown["added_by"]["staff_id"] == shown["id_checked_by"]["staff_id"] == staff_id
    assert shown["confirmation"] == "live_check" and shown["confirmed_by"]["staff_id"] == staff_id


def test_a_second_staff_member_confirms_and_the_adder_cannot(face_client, session, make_person, make_staff):
    coordinator, staff_id = make_staff(StaffRole.COORDINATOR, with_id=True)
    person = make_person(name=NAME)
    ref_id = enrol(face_client, coordinator, person, reference_photo()).json()["reference_id"]
    url = f"/api/v1/onsite/references/{ref_id}/confirm"
    own = face_client.post(url, headers=coordinator)
    assert own.status_code == 403 and own.json()["error"] == "same_staff"
    elsewhere = make_staff(StaffRole.COORDINATOR, region_code="110102")  # another county: not in scope
    assert face_client.post(url, headers=elsewhere).status_code == 404
    second, second_id = make_staff(StaffRole.REVIEWER, with_id=True)
    confirmed = face_client.post(url, headers=second)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active", confirmed.text
    (ref,) = refs_of(session, person)
    assert (ref.active, ref.confirmation, ref.confirmed_by_staff_id) == (True, "second_staff", second_id)
    assert ref.added_by_staff_id == staff_id
    assert face_client.post(url, headers=second).json()["error"] == "reference_not_pending"
    (event,) = events(session, "reference.confirm", ref.id)
    assert event.actor == f"staff:{second_id}" and event.after["added_by"] == staff_id


def test_a_face_unlike_the_persons_earlier_reference_is_not_confirmed_by_its_own_live_check(
    face_client, session, make_person, make_staff, fixed_actions
):
    """The attack of finding 4: a coordinator adds another face (here: their own) as an extra reference and
    passes the live check with it. The live face does not match the person's earlier reference, so the
    certification goes to an officer and the new reference keeps waiting."""
    coordinator, _ = make_staff(StaffRole.COORDINATOR, with_id=True)
    second = make_staff(StaffRole.REVIEWER)
    person = make_person(name=NAME)
    earlier = require_shared("faces", "identities", "obama", "obama-480p.jpg").read_bytes()
    first = enrol(face_client, coordinator, person, earlier).json()["reference_id"]
    assert face_client.post(f"/api/v1/onsite/references/{first}/confirm", headers=second).status_code == 200
    intruder = enrol(face_client, coordinator, person, reference_photo()).json()["reference_id"]
    fixed_actions(PASSING_ACTIONS)
    done = onsite_certify(face_client, coordinator, person)
    assert done.status_code == 200 and done.json()["result"] == "needs_review", done.text
    assert done.json()["reason"] == "face_mismatch"
    by_id = {r.id: r for r in refs_of(session, person)}
    assert by_id[intruder].awaiting_confirmation and not by_id[intruder].active
    assert by_id[first].active
