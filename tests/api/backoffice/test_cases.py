"""Tip-offs and cases over HTTP on SQLite and PostgreSQL: the public tip-off and its lookup (nothing personal
in either answer), bad input refused with 4xx, a failed spot-check item and a data-comparison conflict each
opening one case, closing as deceased stopping the payment and opening a recovery case, and region scope."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.cases.models import Case
from api.comparison.models import FeedKind, RecoveryCase
from api.comparison.service import import_feed
from api.spotchecks.models import SpotCheck, SpotCheckItem
from shared.enums import PaymentState, StaffRole, StopReason
from tests.api.backoffice.helpers import feed_ctx, write_csv

TIPOFFS = "/api/v1/tipoffs"
CASES = "/api/v1/backoffice/cases"


def _tipoff(client, person: Beneficiary | None = None, **over) -> dict:
    body = {
        "subject_name": person.name if person else "王不在",
        "subject_id_number": person.id_number if person else None,
        "description": "我邻居去年已经去世了，家里人还在领养老金。",
        **over,
    }
    resp = client.post(TIPOFFS, json={k: v for k, v in body.items() if v is not None})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_public_tipoff_and_lookup_reveal_nothing_personal(client, session, make_person):
    person = make_person(name="赵钱孙")
    receipt = _tipoff(client, person)
    assert receipt["reference"].isdigit() and len(receipt["reference"]) == 8
    assert len(receipt["lookup_code"]) == 8
    assert set(receipt) == {"reference", "lookup_code"}
    unknown = _tipoff(client, subject_id_number="110101195001011237")  # not on the roster: same answer
    assert set(unknown) == {"reference", "lookup_code"}

    status = client.post(f"{TIPOFFS}/lookup", json=receipt)
    assert status.status_code == 200, status.text
    answer = status.json()
    assert answer == {"reference": receipt["reference"], "state": "open", "outcome": None}
    text = status.text
    assert person.name not in text and person.id_number not in text and person.id_number[-4:] not in text

    case = session.execute(sa.select(Case).where(Case.reference == receipt["reference"])).scalar_one()
    assert case.beneficiary_id == person.id and case.region_code == person.region_code
    assert receipt["lookup_code"] not in (case.lookup_code_sha256 or "")
    linked_nobody = session.execute(
        sa.select(Case).where(Case.reference == unknown["reference"])
    ).scalar_one()
    assert linked_nobody.beneficiary_id is None and linked_nobody.region_code is None

    wrong_code = client.post(
        f"{TIPOFFS}/lookup", json={"reference": receipt["reference"], "lookup_code": unknown["lookup_code"]}
    )
    assert wrong_code.status_code == 404 and wrong_code.json()["error"] == "tipoff_not_found"
    wrong_ref = client.post(f"{TIPOFFS}/lookup", json={"reference": "19999999", "lookup_code": "ABCDEFGH"})
    assert wrong_ref.status_code == 404 and wrong_ref.json() == {
        **wrong_ref.json(),
        "error": "tipoff_not_found",
    }


def test_bad_tipoffs_are_refused(client):
    base = {"subject_name": "王五", "description": "这个人已经不在了，还在领钱。"}
    for bad in (
        {**base, "description": "太短"},
        {**base, "description": "长" * 1001},
        {**base, "subject_name": ""},
        {**base, "subject_name": "名" * 51},
        {**base, "subject_id_number": "12345"},
        {**base, "contact_phone": "call me maybe"},
        {**base, "description": "含有\x00控制字符的举报内容内容"},
        {**base, "extra": "field"},
        {**base, "region_code": "abc"},
    ):
        resp = client.post(TIPOFFS, json=bad)
        assert resp.status_code == 422, (bad, resp.text)
        assert resp.json()["error"] == "validation_error"
    unknown_region = client.post(TIPOFFS, json={**base, "region_code": "999999"})
    assert unknown_region.status_code == 422 and unknown_region.json()["error"] == "unknown_region"
    assert client.post(f"{TIPOFFS}/lookup", json={"reference": "1234", "lookup_code": "x"}).status_code == 422


def test_tipoffs_are_rate_limited_per_client(make_client):
    from api.core.settings import LimitSettings

    limited = make_client(limits=LimitSettings(tipoff="2/hour"))
    body = {"subject_name": "王五", "description": "这个人已经不在了，还在领钱。"}
    assert [limited.post(TIPOFFS, json=body).status_code for _ in range(3)] == [201, 201, 429]


def _spot_item(session, person) -> SpotCheckItem:
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    check = session.execute(
        sa.select(SpotCheck).where(
            SpotCheck.half_year == "2026-H2", SpotCheck.region_code == person.region_code
        )
    ).scalar_one_or_none()
    if check is None:
        check = SpotCheck(
            half_year="2026-H2",
            region_code=person.region_code,
            seed="x" * 64,
            townships=2,
            villages_per_township=2,
            per_village=5,
            created_by="test",
        )
        session.add(check)
        session.flush()
    item = SpotCheckItem(
        spot_check_id=check.id,
        certification_id=cert.id,
        beneficiary_id=person.id,
        village_code=person.region_code,
    )
    session.add(item)
    session.commit()
    return item


def test_failed_spot_check_item_opens_one_case(client, session, make_person, make_staff):
    person = make_person(name="抽查甲", certified_on=date(2026, 8, 3))
    item = _spot_item(session, person)
    staff = make_staff(StaffRole.COORDINATOR)
    url = f"/api/v1/backoffice/spot-checks/{item.spot_check_id}/items/{item.id}/outcome"
    for note in ("家里没人", "邻居说搬走了"):
        resp = client.post(url, json={"outcome": "not_confirmed", "note": note}, headers=staff)
        assert resp.status_code == 200, resp.text
    cases = session.execute(sa.select(Case).where(Case.spot_check_item_id == item.id)).scalars().all()
    assert len(cases) == 1
    assert cases[0].source == "spot_check" and cases[0].beneficiary_id == person.id
    listed = client.get(CASES, params={"source": "spot_check"}, headers=staff).json()
    assert [c["spot_check_item_id"] for c in listed].count(item.id) == 1
    ok = make_person(name="抽查乙", certified_on=date(2026, 8, 4))
    ok_item = _spot_item(session, ok)
    client.post(
        f"/api/v1/backoffice/spot-checks/{ok_item.spot_check_id}/items/{ok_item.id}/outcome",
        json={"outcome": "confirmed"},
        headers=staff,
    )
    assert session.execute(sa.select(Case).where(Case.spot_check_item_id == ok_item.id)).first() is None


def test_data_comparison_conflict_opens_one_case(session, make_person, tmp_path):
    person = make_person(name="林黛玉", birth=date(1952, 12, 1))
    f = write_csv(
        tmp_path / "d.csv", ["id_number", "name", "start_date"], [[person.id_number, "林代玉", "2026-10-01"]]
    )
    import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx())
    session.commit()
    import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx())  # the same file again
    session.commit()
    cases = session.execute(sa.select(Case).where(Case.beneficiary_id == person.id)).scalars().all()
    assert len(cases) == 1 and cases[0].source == "data_conflict" and cases[0].feed_mismatch_id is not None


def test_closing_as_deceased_stops_payment_and_opens_recovery(client, session, make_person, make_staff):
    person = make_person(name="周吴郑")
    receipt = _tipoff(client, person)
    case_id = session.execute(sa.select(Case.id).where(Case.reference == receipt["reference"])).scalar_one()
    coordinator = make_staff(StaffRole.COORDINATOR)
    reviewer = make_staff(StaffRole.REVIEWER)

    taken = client.post(f"{CASES}/{case_id}/assign", json={}, headers=coordinator)
    assert taken.status_code == 200 and taken.json()["state"] == "assigned"
    noted = client.post(
        f"{CASES}/{case_id}/notes", json={"text": "去社区核实：家属说八月去世"}, headers=coordinator
    )
    assert noted.status_code == 200 and noted.json()["state"] == "investigating"
    assert [e["kind"] for e in noted.json()["entries"]] == ["assigned", "note"]
    evidence = client.post(
        f"{CASES}/{case_id}/evidence",
        files=[("files", ("x.txt", b"not a picture", "image/jpeg"))],
        headers=coordinator,
    )
    assert evidence.status_code == 415 and evidence.json()["error"] == "unacceptable_file"

    close = {"outcome": "confirmed_deceased", "note": "死亡证明已核实", "death_date": "2026-08-15"}
    assert client.post(f"{CASES}/{case_id}/close", json=close, headers=coordinator).status_code == 403
    no_date = client.post(f"{CASES}/{case_id}/close", json={**close, "death_date": None}, headers=reviewer)
    assert no_date.status_code == 422 and no_date.json()["error"] == "death_date_required"
    future = client.post(
        f"{CASES}/{case_id}/close", json={**close, "death_date": "2099-01-01"}, headers=reviewer
    )
    assert future.status_code == 422
    closed = client.post(f"{CASES}/{case_id}/close", json=close, headers=reviewer)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["state"] == "closed" and body["outcome"] == "confirmed_deceased"
    assert len(body["recovery_case_ids"]) == 1

    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    session.refresh(ent)
    assert ent.payment_state is PaymentState.STOPPED and ent.stopped_reason is StopReason.DECEASED
    assert str(ent.stopped_from) == "2026-09"
    recovery = session.get(RecoveryCase, body["recovery_case_ids"][0])
    assert recovery.beneficiary_id == person.id and recovery.death_date == date(2026, 8, 15)
    assert recovery.amount_cents == recovery.months * ent.monthly_cents > 0
    session.refresh(person)
    assert person.deceased_on == date(2026, 8, 15)

    again = client.post(f"{CASES}/{case_id}/close", json=close, headers=reviewer)
    assert again.status_code == 409 and again.json()["error"] == "case_closed"
    assert (
        client.post(f"{CASES}/{case_id}/notes", json={"text": "再补一句"}, headers=reviewer).status_code
        == 409
    )
    looked_up = client.post(f"{TIPOFFS}/lookup", json=receipt).json()
    assert looked_up == {
        "reference": receipt["reference"],
        "state": "closed",
        "outcome": "confirmed_deceased",
    }


def test_deceased_needs_the_person_linked(client, session, make_person, make_staff):
    receipt = _tipoff(client, None, subject_id_number="110101195001011237")
    case_id = session.execute(sa.select(Case.id).where(Case.reference == receipt["reference"])).scalar_one()
    admin = make_staff(StaffRole.ADMIN)  # national
    close = {"outcome": "confirmed_deceased", "note": "死亡证明已核实", "death_date": "2026-08-15"}
    resp = client.post(f"{CASES}/{case_id}/close", json=close, headers=admin)
    assert resp.status_code == 409 and resp.json()["error"] == "case_person_unknown"
    person = make_person(name="后来人")
    linked = client.post(f"{CASES}/{case_id}/person", json={"id_number": person.id_number}, headers=admin)
    assert linked.status_code == 200 and linked.json()["person_id"] == person.id
    assert linked.json()["region_code"] == person.region_code
    closed = client.post(
        f"{CASES}/{case_id}/close", json={"outcome": "unfounded", "note": "查无此事"}, headers=admin
    )
    assert closed.status_code == 200 and closed.json()["outcome"] == "unfounded"
    assert closed.json()["recovery_case_ids"] == []


def test_cases_are_region_scoped(client, session, make_person, make_staff):
    inside = make_person(name="区内人", region_code="110101001001")
    outside = make_person(name="区外人", region_code="110102001001")
    near = _tipoff(client, inside)
    far = _tipoff(client, outside)
    nowhere = _tipoff(client, None)
    ids = {
        r["reference"]: session.execute(
            sa.select(Case.id).where(Case.reference == r["reference"])
        ).scalar_one()
        for r in (near, far, nowhere)
    }
    local = make_staff(StaffRole.REVIEWER, region_code="110101001")
    listed = {c["reference"] for c in client.get(CASES, headers=local).json()}
    assert near["reference"] in listed
    assert far["reference"] not in listed and nowhere["reference"] not in listed
    unknown = client.get(f"{CASES}/999999999", headers=local)
    for ref in (far["reference"], nowhere["reference"]):
        resp = client.get(f"{CASES}/{ids[ref]}", headers=local)
        assert resp.status_code == 404 and resp.json() == unknown.json()
        assert client.post(f"{CASES}/{ids[ref]}/assign", json={}, headers=local).status_code == 404
    assert client.get(f"{CASES}/{ids[near['reference']]}", headers=local).status_code == 200
    national = make_staff(StaffRole.REVIEWER)
    seen = {c["reference"] for c in client.get(CASES, headers=national).json()}
    assert {near["reference"], far["reference"], nowhere["reference"]} <= seen
    other_region_staff, other_id = make_staff(StaffRole.COORDINATOR, with_id=True, region_code="110102001")
    handed = client.post(
        f"{CASES}/{ids[near['reference']]}/assign", json={"staff_id": other_id}, headers=local
    )
    assert handed.status_code == 422 and handed.json()["error"] == "unknown_assignee"
    phone = client.post(
        CASES,
        json={
            "subject_name": "电话举报",
            "description": "电话里说这位老人已经去世三个月了。",
            "region_code": "110102",
        },
        headers=local,
    )
    assert phone.status_code == 404
    phone = client.post(
        CASES,
        json={"subject_name": "电话举报", "description": "电话里说这位老人已经去世三个月了。"},
        headers=local,
    )
    assert phone.status_code == 201 and phone.json()["source"] == "phone_tipoff"
    assert phone.json()["region_code"] == "110101001"
    about_outsider = client.post(
        CASES,
        json={
            "subject_name": "区外人",
            "subject_id_number": outside.id_number,
            "description": "电话里说这位老人已经去世三个月了。",
        },
        headers=local,
    )
    assert about_outsider.status_code == 201  # filed, but nothing about the person outside is linked or shown
    assert about_outsider.json()["person_id"] is None and about_outsider.json()["person_name"] is None
    assert about_outsider.json()["region_code"] == "110101001"
