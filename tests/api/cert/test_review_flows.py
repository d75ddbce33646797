"""Attestation with policy-named sign-offs, overseas documents, evidence after failed checks, and the
review queue that decides them — over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from PIL import Image

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Certification
from api.evidence.models import EvidenceFile
from api.review.service import add_working_days
from shared.cycle import agency_today, local_date
from shared.enums import CertificationMethod, ResidenceKind, StaffRole
from shared.months import YearMonth
from tests.api import intake_samples as samples

PDF = samples.pdf(1)  # a real one-page PDF: the intake parses it


def jpeg(color=(120, 90, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 10) == date(2026, 12, 4)
    assert add_working_days(date(2026, 11, 22), 10) == date(2026, 12, 4)  # from a Sunday


def test_attestation_collects_policy_signoffs_then_reviewer_approves(
    client, session, make_person, make_staff
):
    village, township, county = "110101001001", "110101001", "110101"
    coordinator = make_staff(StaffRole.COORDINATOR, region_code=village)
    township_staff = make_staff(StaffRole.COORDINATOR, region_code=township)
    county_staff = make_staff(StaffRole.ADMIN, region_code=county)
    reviewer = make_staff(StaffRole.REVIEWER)
    person = make_person(name="陈卧床", region_code=village)
    resp = client.post(
        "/api/v1/attestations",
        headers=coordinator,
        json={
            "id_number": person.id_number,
            "name": "陈卧床",
            "reason": "bedridden since a stroke",
            "witness_name": "隔壁王大妈",
        },
    )
    assert resp.status_code == 201, resp.text
    att = resp.json()
    assert att["required_signoffs"] == ["village", "township", "county"]  # api/policy.toml
    assert att["status"] == "collecting" and att["missing_signoffs"] == att["required_signoffs"]
    assert att["witness_name"] == "隔壁王大妈" and att["next_signoff"] == "village"
    base = f"/api/v1/attestations/{att['attestation_id']}"

    future = client.post(
        f"{base}/evidence",
        headers=coordinator,
        data={"taken_on": (agency_today() + timedelta(days=3)).isoformat()},
        files=[("files", ("p.jpg", jpeg(), "image/jpeg"))],
    )
    assert future.status_code == 422 and future.json()["error"] == "future_date"
    exe = client.post(
        f"{base}/evidence",
        headers=coordinator,
        data={"taken_on": agency_today().isoformat()},
        files=[("files", ("x.exe", b"MZ\x90\x00" * 20, "application/octet-stream"))],
    )
    assert exe.status_code == 415
    ok = client.post(
        f"{base}/evidence",
        headers=coordinator,
        data={"taken_on": agency_today().isoformat()},
        files=[("files", ("p.jpg", jpeg(), "image/jpeg")), ("files", ("form.pdf", PDF, "application/pdf"))],
    )
    assert ok.status_code == 200, ok.text
    assert [e["kind"] for e in ok.json()["evidence"]] == ["photo", "document"]

    typed = client.post(
        f"{base}/signoffs",
        headers=coordinator,
        json={"role": "village", "signer_name": "X", "signed_on": agency_today().isoformat()},
    )
    assert typed.status_code == 422  # names of others are no longer typed in
    too_early = client.post(f"{base}/signoffs", headers=township_staff, json={})
    assert too_early.status_code == 403 and too_early.json()["error"] == "signoff_level"
    for i, signer in enumerate((coordinator, township_staff, county_staff)):
        step = client.post(f"{base}/signoffs", headers=signer, json={})
        assert step.status_code == 200, step.text
        if i < 2:
            assert step.json()["status"] == "collecting" and step.json()["review_id"] is None
    done = step.json()
    assert done["status"] == "in_review" and done["missing_signoffs"] == [] and done["review_id"]
    assert [s["level"] for s in done["signoffs"]] == ["village", "township", "county"]
    assert [s["signer"]["region_code"] for s in done["signoffs"]] == [village, township, county]
    again = client.post(f"{base}/signoffs", headers=coordinator, json={})
    assert again.status_code == 409

    queue = client.get("/api/v1/review/items", headers=reviewer, params={"kind": "attestation"}).json()
    assert done["review_id"] in [i["review_id"] for i in queue["items"]]
    item = client.get(f"/api/v1/review/items/{done['review_id']}", headers=reviewer).json()
    assert item["holder_name"] == "陈*床" and len(item["evidence"]) == 2
    photo = client.get(
        f"/api/v1/review/items/{done['review_id']}/evidence/{item['evidence'][0]['evidence_id']}",
        headers=reviewer,
    )
    assert (
        photo.status_code == 200 and photo.content == jpeg() and photo.headers["content-type"] == "image/jpeg"
    )
    document = client.get(
        f"/api/v1/review/items/{done['review_id']}/evidence/{item['evidence'][1]['evidence_id']}",
        headers=reviewer,
    )
    assert document.status_code == 200 and document.content == PDF

    decided = client.post(
        f"/api/v1/review/items/{done['review_id']}/decision",
        headers=reviewer,
        json={"approve": True, "reason": "photos and three sign-offs consistent"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert client.get(base, headers=reviewer).json()["status"] == "approved"
    twice = client.post(
        f"/api/v1/review/items/{done['review_id']}/decision",
        headers=reviewer,
        json={"approve": False, "reason": "changed my mind"},
    )
    assert twice.status_code == 409
    session.expire_all()
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert cert.method.value == "attestation" and cert.operator_kind == "staff"
    status = client.get(f"/api/v1/review/status/{done['review_id']}").json()
    assert status["status"] == "approved" and status["receipt"]["method"] == "attestation"
    assert client.post("/api/v1/receipts/verify", json={"token": status["receipt"]["token"]}).json()["valid"]
    actions = set(session.execute(sa.select(AuditEvent.action)).scalars())
    assert {
        "attestation.open",
        "attestation.signoff",
        "attestation.submit",
        "review.open",
        "review.approve",
        "certification.record",
        "attestation.decide",
    } <= actions
    assert verify_chain(session).ok


def test_overseas_form_enters_review_with_ten_working_days_and_rejection_is_visible(
    client, session, make_person, make_staff
):
    reviewer = make_staff(StaffRole.REVIEWER)
    abroad = make_person(
        name="Li Wei", residence_kind=ResidenceKind.OVERSEAS, country="CA", time_zone="America/Vancouver"
    )
    resp = client.post(
        "/api/v1/overseas/submissions",
        data={"id_number": abroad.id_number, "name": "Li Wei"},
        files=[("documents", ("form.pdf", PDF, "application/pdf"))],
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["status"] == "pending" and body["kind"] == "overseas"
    # Ten working days from the resident's own date (Vancouver), never a weekend, 12 to 16 calendar days.
    submitted = datetime.fromisoformat(body["submitted_at"])
    local = local_date(submitted, "America/Vancouver")
    expected = date.fromisoformat(body["expected_by"])
    assert expected == add_working_days(local, 10)
    assert expected.weekday() < 5 and 12 <= (expected - local).days <= 16
    assert client.get(f"/api/v1/review/status/{body['review_id']}").json()["status"] == "pending"

    listed = client.get(
        "/api/v1/review/items", headers=reviewer, params={"kind": "overseas", "region": "11"}
    ).json()
    assert body["review_id"] in [i["review_id"] for i in listed["items"]]
    elsewhere = client.get(
        "/api/v1/review/items", headers=reviewer, params={"kind": "overseas", "region": "44"}
    )
    assert body["review_id"] not in [i["review_id"] for i in elsewhere.json()["items"]]

    rejected = client.post(
        f"/api/v1/review/items/{body['review_id']}/decision",
        headers=reviewer,
        json={"approve": False, "reason": "the form is not stamped by the consulate"},
    )
    assert rejected.status_code == 200
    outcome = client.get(f"/api/v1/review/status/{body['review_id']}").json()
    assert outcome["status"] == "rejected" and outcome["reason"] == "the form is not stamped by the consulate"
    assert outcome["receipt"] is None
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(Certification)
            .where(Certification.beneficiary_id == abroad.id)
        ).scalar_one()
        == 0
    )


def test_overseas_path_is_for_residents_abroad_and_checks_files(client, make_person):
    home = make_person(name="本地人")
    resp = client.post(
        "/api/v1/overseas/submissions",
        data={"id_number": home.id_number, "name": "本地人"},
        files=[("documents", ("form.pdf", PDF, "application/pdf"))],
    )
    assert resp.status_code == 409 and resp.json()["error"] == "not_overseas"
    fake = client.post(
        "/api/v1/overseas/submissions",
        data={"id_number": home.id_number, "name": "本地人"},
        files=[("documents", ("form.jpg", b"\xff\xd8\xff not really a jpeg", "image/jpeg"))],
    )
    assert fake.status_code == 415
    assert client.get("/api/v1/review/status/does-not-exist").status_code == 404


def test_manual_review_evidence_is_kept_and_approval_certifies(client, session, make_person, make_staff):
    reviewer = make_staff(StaffRole.REVIEWER)
    person = make_person(name="黄失败")
    resp = client.post(
        "/api/v1/manual-review",
        data={"id_number": person.id_number, "name": "黄失败", "note": "camera fails"},
        files=[("files", ("me.jpg", jpeg((10, 200, 10)), "image/jpeg"))],
    )
    assert resp.status_code == 201, resp.text
    review_id = resp.json()["review_id"]
    session.expire_all()
    from api.review.models import ReviewItem

    item = session.execute(sa.select(ReviewItem).where(ReviewItem.public_id == review_id)).scalar_one()
    stored = (
        session.execute(sa.select(EvidenceFile).where(EvidenceFile.review_item_id == item.id)).scalars().all()
    )
    assert [e.content_type for e in stored] == ["image/jpeg"] and stored[0].purge_after is not None
    unseen = client.post(
        f"/api/v1/review/items/{review_id}/decision",
        headers=reviewer,
        json={"approve": True, "reason": "seen alive"},
    )
    assert unseen.status_code == 409 and unseen.json()["error"] == "evidence_not_opened"
    opened = client.get(f"/api/v1/review/items/{review_id}/evidence/{stored[0].id}", headers=reviewer)
    assert opened.status_code == 200
    approved = client.post(
        f"/api/v1/review/items/{review_id}/decision",
        headers=reviewer,
        json={"approve": True, "reason": "seen alive"},
    )
    assert approved.status_code == 200
    receipt = client.get(f"/api/v1/review/status/{review_id}").json()["receipt"]
    assert receipt["holder_name"] == "黄*败" and receipt["method"] == "manual_review"
    session.expire_all()
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert cert.method is CertificationMethod.MANUAL_REVIEW
    verified = client.post("/api/v1/receipts/verify", json={"token": receipt["token"]}).json()
    assert verified["valid"] and verified["method"] == "manual_review"


def test_decision_needs_a_reason_and_a_known_item(client, make_staff):
    reviewer = make_staff(StaffRole.REVIEWER)
    assert (
        client.post(
            "/api/v1/review/items/nope/decision", headers=reviewer, json={"approve": True, "reason": "fine"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/review/items/nope/decision", headers=reviewer, json={"approve": True}
        ).status_code
        == 422
    )


def test_an_overseas_certification_is_dated_in_the_residents_time_zone(client, session, make_person):
    from datetime import UTC

    from api.certification.recording import record_passed
    from api.core.operator import SELF
    from shared.enums import CertificationMethod

    abroad = make_person(
        name="Wang Fang", residence_kind=ResidenceKind.OVERSEAS, time_zone="America/Vancouver"
    )
    # 2026-03-01 03:00 UTC: already March 1 in Beijing, still February 28 in Vancouver.
    now = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    recorded = record_passed(
        session,
        person=abroad,
        method=CertificationMethod.SELF_FACE,
        operator=SELF,
        rules=client.app.state.cert.rules,
        now=now,
    )
    session.commit()
    assert recorded.certifications[0].local_date == date(2026, 2, 28)
    assert recorded.receipts[0].certified_on == date(2026, 2, 28)


def test_a_certification_records_but_does_not_lift_a_detention_suspension(client, session, make_person):
    from datetime import UTC

    from api.beneficiaries.models import Entitlement
    from api.certification.recording import record_passed
    from api.core.operator import SELF
    from shared.enums import CertificationMethod, PaymentState, SuspensionReason

    person = make_person(name="钱七")
    ent = session.query(Entitlement).filter_by(beneficiary_id=person.id).one()
    ent.payment_state = PaymentState.SUSPENDED
    ent.suspended_since = YearMonth(2026, 10)
    ent.suspension_reason = SuspensionReason.DETENTION
    session.commit()
    recorded = record_passed(
        session,
        person=person,
        method=CertificationMethod.SELF_FACE,
        operator=SELF,
        rules=client.app.state.cert.rules,
        now=datetime(2026, 11, 20, 4, 0, tzinfo=UTC),
    )
    session.commit()
    assert len(recorded.certifications) == 1 and recorded.resumed == ()
    session.refresh(ent)
    assert (ent.payment_state, ent.suspension_reason) == (PaymentState.SUSPENDED, SuspensionReason.DETENTION)
