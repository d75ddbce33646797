"""Finding 9: a contact update needs the short-lived, single-use code a passed certification handed out —
not the long-lived receipt token used as a password. (The code arriving with a real pass is tested in
test_self_certification.py.)"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from api.beneficiaries.models import Beneficiary, Certification
from api.certification import contact
from api.certification.models import ContactCode, ContactConfirmation
from api.core.db import utcnow
from api.receipts import service as receipts
from shared.cycle import agency_today
from shared.enums import CertificationMethod, CertificationResult

URL = "/api/v1/contact"


def passed(session, person) -> Certification:
    today = agency_today()
    certification = Certification(
        beneficiary_id=person.id,
        window_start=today.replace(day=1),
        window_end=today + timedelta(days=365),
        method=CertificationMethod.SELF_FACE,
        operator_kind="self",
        result=CertificationResult.PASSED,
        evidence=[],
        certified_at=datetime.now(UTC),
        local_date=today,
    )
    session.add(certification)
    session.flush()
    return certification


def code_for(session, person, *, now: datetime | None = None, minutes: int = 30) -> tuple[str, Certification]:
    certification = passed(session, person)
    code, _expires = contact.issue_code(
        session, person=person, certification=certification, now=now or utcnow(), minutes=minutes
    )
    session.commit()
    return code, certification


def test_a_code_updates_the_contact_once(client, session, make_person) -> None:
    person = make_person(name="联系甲")
    code, certification = code_for(session, person)
    first = client.post(URL, json={"contact_code": code, "phone": "13911112222", "address": "一号"})
    assert first.status_code == 200 and first.json()["changed"] is True
    again = client.post(URL, json={"contact_code": code, "phone": "13933334444"})
    assert again.status_code == 422 and again.json()["error"] == "contact_code_invalid"
    session.expire_all()
    assert session.get(Beneficiary, person.id).phone == "13911112222"
    rows = (
        session.execute(sa.select(ContactConfirmation).where(ContactConfirmation.beneficiary_id == person.id))
        .scalars()
        .all()
    )
    assert [r.certification_id for r in rows] == [certification.id]
    stored = session.execute(
        sa.select(ContactCode).where(ContactCode.beneficiary_id == person.id)
    ).scalar_one()
    assert stored.used_at is not None and code not in stored.code_sha256  # only the digest is kept


def test_an_expired_code_and_a_receipt_token_are_refused(client, session, make_person) -> None:
    person = make_person(name="联系乙")
    old, _ = code_for(session, person, now=utcnow() - timedelta(minutes=31), minutes=30)
    resp = client.post(URL, json={"contact_code": old, "phone": "13955556666"})
    assert resp.status_code == 422 and resp.json()["error"] == "contact_code_invalid"
    certification = passed(session, person)
    receipt = receipts.issue(session, certification=certification, person=person)
    session.commit()
    token = receipts.public(receipt, certification, person, key=client.app.state.settings.secret_key).token
    assert token is not None
    for field in ({"contact_code": token[:64]}, {"receipt_token": token}):
        refused = client.post(URL, json={**field, "phone": "13955556666"})
        assert refused.status_code == 422, refused.text
    session.expire_all()
    assert session.get(Beneficiary, person.id).phone != "13955556666"


def test_two_requests_with_one_code_change_the_contact_once(client, session, make_person) -> None:
    person = make_person(name="联系丙")
    code, _ = code_for(session, person)
    start = threading.Barrier(2)
    answers: list[int] = []

    def send(phone: str) -> None:
        start.wait()
        answers.append(client.post(URL, json={"contact_code": code, "phone": phone}).status_code)

    threads = [threading.Thread(target=send, args=(p,)) for p in ("13970000001", "13970000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 422]
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(ContactConfirmation)
            .where(ContactConfirmation.beneficiary_id == person.id)
        ).scalar_one()
        == 1
    )
