"""Separation of duties and "nothing approved unseen", over HTTP on SQLite and PostgreSQL: whoever opened,
signed, uploaded for or ran a case cannot decide it (403 same_staff); a sign-off is made by an account of
the level being signed; an approval needs every evidence file opened by the approving reviewer (409
evidence_not_opened), and the item shows who did what."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image

from api.audit import AuditEvent
from api.evidence.models import EvidenceView
from shared.cycle import agency_today
from shared.enums import ResidenceKind, StaffRole
from tests.api import intake_samples as samples

VILLAGE, TOWNSHIP, COUNTY = "110101001001", "110101001", "110101"
PDF = samples.pdf(1)  # a real one-page PDF: the intake parses it


def jpeg(color=(120, 90, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def _decide(client, headers, review_id: str, approve: bool = True):
    return client.post(
        f"/api/v1/review/items/{review_id}/decision",
        headers=headers,
        json={"approve": approve, "reason": "checked the photos and the sign-offs"},
    )


def _open_all(client, headers, review_id: str) -> None:
    item = client.get(f"/api/v1/review/items/{review_id}", headers=headers).json()
    for e in item["evidence"]:
        resp = client.get(f"/api/v1/review/items/{review_id}/evidence/{e['evidence_id']}", headers=headers)
        assert resp.status_code == 200


def test_no_participant_decides_an_attestation_and_the_approver_opens_every_file(
    client, session, make_person, make_staff
):
    opener, opener_id = make_staff(StaffRole.ADMIN, with_id=True, region_code=VILLAGE)
    uploader, uploader_id = make_staff(StaffRole.ADMIN, with_id=True, region_code=VILLAGE)
    village_signer = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    township_signer = make_staff(StaffRole.REVIEWER, region_code=TOWNSHIP)
    county_signer = make_staff(StaffRole.ADMIN, region_code=COUNTY)
    reviewer, reviewer_id = make_staff(StaffRole.REVIEWER, with_id=True, region_code=COUNTY)
    person = make_person(name="分离测", region_code=VILLAGE)

    att = client.post(
        "/api/v1/attestations",
        headers=opener,
        json={
            "id_number": person.id_number,
            "name": "分离测",
            "reason": "bedridden",
            "witness_name": "邻居李",
        },
    ).json()
    base = f"/api/v1/attestations/{att['attestation_id']}"
    uploaded = client.post(
        f"{base}/evidence",
        headers=uploader,
        data={"taken_on": agency_today().isoformat()},
        files=[("files", ("p.jpg", jpeg(), "image/jpeg")), ("files", ("f.pdf", PDF, "application/pdf"))],
    )
    assert uploaded.status_code == 200, uploaded.text
    assert {e["uploaded_by"]["staff_id"] for e in uploaded.json()["evidence"]} == {uploader_id}
    for signer in (village_signer, township_signer, county_signer):
        signed = client.post(f"{base}/signoffs", headers=signer, json={})
        assert signed.status_code == 200, signed.text
    review_id = signed.json()["review_id"]
    assert review_id

    # Everyone who took part is refused, approving or rejecting, with the same code.
    for participant in (opener, uploader, township_signer, county_signer):
        seen = client.get(f"/api/v1/review/items/{review_id}", headers=participant).json()
        assert seen["approval_blocked"] == "same_staff"
        for approve in (True, False):
            refused = _decide(client, participant, review_id, approve)
            assert refused.status_code == 403 and refused.json()["error"] == "same_staff", refused.text

    # An independent reviewer must open every file first.
    item = client.get(f"/api/v1/review/items/{review_id}", headers=reviewer).json()
    assert item["approval_blocked"] == "evidence_not_opened"
    assert [e["opened_by_me"] for e in item["evidence"]] == [False, False]
    unseen = _decide(client, reviewer, review_id)
    assert unseen.status_code == 409 and unseen.json()["error"] == "evidence_not_opened"
    first = item["evidence"][0]["evidence_id"]
    for _ in range(2):  # opening twice counts once
        assert (
            client.get(f"/api/v1/review/items/{review_id}/evidence/{first}", headers=reviewer).status_code
            == 200
        )
    half = client.get(f"/api/v1/review/items/{review_id}", headers=reviewer).json()
    assert [e["opened_by_me"] for e in half["evidence"]] == [True, False]
    assert _decide(client, reviewer, review_id).json()["error"] == "evidence_not_opened"
    # Another reviewer's openings do not count for this one.
    other = make_staff(StaffRole.REVIEWER)
    _open_all(client, other, review_id)
    assert _decide(client, reviewer, review_id).json()["error"] == "evidence_not_opened"

    _open_all(client, reviewer, review_id)
    ready = client.get(f"/api/v1/review/items/{review_id}", headers=reviewer).json()
    assert ready["approval_blocked"] is None and all(e["opened_by_me"] for e in ready["evidence"])
    approved = _decide(client, reviewer, review_id)
    assert approved.status_code == 200, approved.text
    decided = approved.json()
    assert decided["status"] == "approved" and decided["decided_by"]["staff_id"] == reviewer_id

    history = decided["history"]
    by_action: dict[str, list[dict]] = {}
    for event in history:
        by_action.setdefault(event["action"], []).append(event)
    assert by_action["opened"][0]["staff"]["staff_id"] == opener_id
    assert {e["staff"]["staff_id"] for e in by_action["uploaded"]} == {uploader_id}
    assert [e["level"] for e in by_action["signed"]] == ["village", "township", "county"]
    assert {e["staff"]["region_code"] for e in by_action["signed"]} == {VILLAGE, TOWNSHIP, COUNTY}
    viewers = {(e["staff"]["staff_id"], e["evidence_id"]) for e in by_action["viewed"]}
    assert {(reviewer_id, e["evidence_id"]) for e in ready["evidence"]} <= viewers
    assert by_action["decided"][0]["actor"] == f"staff:{reviewer_id}"
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)

    session.expire_all()
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(EvidenceView)
            .where(EvidenceView.staff_id == reviewer_id, EvidenceView.evidence_id == first)
        ).scalar_one()
        == 1
    )
    events = session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor).where(
            AuditEvent.action.in_(["review.approve", "attestation.decide", "evidence.open"]),
            AuditEvent.actor == f"staff:{reviewer_id}",
        )
    ).all()
    assert sorted(a for a, _ in events) == [
        "attestation.decide",
        "evidence.open",
        "evidence.open",
        "review.approve",
    ]


def test_each_level_signs_with_its_own_account_once(client, session, make_person, make_staff):
    from api.auth.models import StaffUser

    coordinator = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    mover, mover_id = make_staff(StaffRole.COORDINATOR, with_id=True, region_code=VILLAGE)
    national = make_staff(StaffRole.ADMIN)
    person = make_person(name="签字测", region_code=VILLAGE)
    att = client.post(
        "/api/v1/attestations",
        headers=coordinator,
        json={"id_number": person.id_number, "name": "签字测", "reason": "cannot walk"},
    ).json()
    base = f"/api/v1/attestations/{att['attestation_id']}"

    no_level = client.post(f"{base}/signoffs", headers=national, json={})
    assert no_level.status_code == 403 and no_level.json()["error"] == "signoff_level"
    out_of_order = client.post(f"{base}/signoffs", headers=mover, json={"level": "county"})
    assert out_of_order.status_code == 409 and out_of_order.json()["error"] == "signoff_out_of_order"
    assert client.post(f"{base}/signoffs", headers=mover, json={"level": "village"}).status_code == 200

    # The same account, moved to the township, may not sign the township level too.
    session.get(StaffUser, mover_id).region_code = TOWNSHIP
    session.commit()
    twice = client.post(f"{base}/signoffs", headers=mover, json={})
    assert twice.status_code == 403 and twice.json()["error"] == "same_staff"
    # A village account may not sign the township level.
    wrong = client.post(f"{base}/signoffs", headers=coordinator, json={})
    assert wrong.status_code == 403 and wrong.json()["error"] == "signoff_level"
    shown = client.get(base, headers=coordinator).json()
    assert [s["level"] for s in shown["signoffs"]] == ["village"] and shown["next_signoff"] == "township"
    assert shown["signoffs"][0]["signer"]["staff_id"] == mover_id


def test_levels_the_persons_region_lacks_are_not_required(client, make_person, make_staff):
    county_staff = make_staff(StaffRole.COORDINATOR, region_code=COUNTY)
    person = make_person(name="县级测")  # registered at the county itself: no village, no township
    att = client.post(
        "/api/v1/attestations",
        headers=county_staff,
        json={"id_number": person.id_number, "name": "县级测", "reason": "cannot walk"},
    ).json()
    assert att["required_signoffs"] == ["county"]


def test_the_staff_member_of_a_home_visit_cannot_decide_its_review(client, session, make_person, make_staff):
    from api.core.db import utcnow
    from api.core.operator import Operator
    from api.review.models import ReviewKind
    from api.review.service import open_item
    from shared.enums import CertificationMethod

    visitor, visitor_id = make_staff(StaffRole.ADMIN, with_id=True, region_code=COUNTY)
    reviewer = make_staff(StaffRole.REVIEWER, region_code=COUNTY)
    person = make_person(name="上门测", region_code=VILLAGE)
    item = open_item(
        session,
        kind=ReviewKind.FACE,
        person=person,
        method=CertificationMethod.STAFF_ONSITE,
        operator=Operator("staff", visitor_id),
        now=utcnow(),
        reason_code="low_similarity",
    )
    session.commit()
    refused = _decide(client, visitor, item.public_id)
    assert refused.status_code == 403 and refused.json()["error"] == "same_staff"
    assert "ran" in refused.json()["message"]
    assert _decide(client, reviewer, item.public_id).status_code == 200


def test_staff_who_uploaded_an_overseas_form_cannot_approve_it(client, make_person, make_staff):
    clerk, clerk_id = make_staff(StaffRole.ADMIN, with_id=True, region_code=COUNTY)
    elsewhere = make_staff(StaffRole.ADMIN, region_code="110102")
    reviewer = make_staff(StaffRole.REVIEWER, region_code=COUNTY)
    abroad = make_person(
        name="Zhao Lin",
        region_code=VILLAGE,
        residence_kind=ResidenceKind.OVERSEAS,
        country="DE",
        time_zone="Europe/Berlin",
    )
    form = {"id_number": abroad.id_number, "name": "Zhao Lin"}
    files = [("documents", ("form.pdf", PDF, "application/pdf"))]
    outside = client.post("/api/v1/overseas/submissions", headers=elsewhere, data=form, files=files)
    assert outside.status_code == 404 and outside.json()["error"] == "not_found"
    resp = client.post("/api/v1/overseas/submissions", headers=clerk, data=form, files=files)
    assert resp.status_code == 201, resp.text
    review_id = resp.json()["review_id"]

    item = client.get(f"/api/v1/review/items/{review_id}", headers=reviewer).json()
    assert item["evidence"][0]["uploaded_by"]["staff_id"] == clerk_id
    _open_all(client, clerk, review_id)
    refused = _decide(client, clerk, review_id)
    assert refused.status_code == 403 and refused.json()["error"] == "same_staff"
    _open_all(client, reviewer, review_id)
    assert _decide(client, reviewer, review_id).status_code == 200


def test_the_staff_member_who_recorded_a_home_visit_cannot_approve_it(client, make_person, make_staff):
    visitor, visitor_id = make_staff(StaffRole.ADMIN, with_id=True, region_code=COUNTY)
    reviewer = make_staff(StaffRole.REVIEWER, region_code=COUNTY)
    person = make_person(name="家访测", region_code=VILLAGE)
    request = client.post(
        "/api/v1/visits",
        headers=visitor,
        json={"id_number": person.id_number, "name": "家访测", "reason": "bedridden"},
    ).json()
    base = f"/api/v1/visits/{request['request_id']}"
    today = agency_today().isoformat()
    scheduled = client.post(
        f"{base}/schedule", headers=visitor, json={"scheduled_on": today, "worker_id": visitor_id}
    )
    assert scheduled.status_code == 200, scheduled.text
    recorded = client.post(
        f"{base}/record",
        headers=visitor,
        data={"reason": "bedridden_no_camera", "notes": "seen in bed, talked a while", "visited_on": today},
        files=[("photos", ("v.jpg", jpeg(), "image/jpeg"))],
    )
    assert recorded.status_code == 201, recorded.text
    review_id = recorded.json()["review_id"]

    _open_all(client, visitor, review_id)
    refused = _decide(client, visitor, review_id)
    assert refused.status_code == 403 and refused.json()["error"] == "same_staff"
    assert "ran" in refused.json()["message"] and "uploaded" in refused.json()["message"]
    _open_all(client, reviewer, review_id)
    assert _decide(client, reviewer, review_id).status_code == 200
