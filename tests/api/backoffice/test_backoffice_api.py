"""Back-office endpoints over HTTP on a real database: role checks on every endpoint, running a month and
seeing the statistics change, the audit viewer, the feed review list, spot checks, disclosure lists and
institution batch attestations."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.beneficiaries.models import Certification, Entitlement
from api.comparison.models import FeedKind
from api.comparison.service import import_feed
from api.institutions.models import Institution, InstitutionAdmin, InstitutionMember
from api.spotchecks.models import SpotCheck, SpotCheckItem
from api.spotchecks.service import draw, seed_for
from shared.backoffice_schemas import SpotCheckCreate
from shared.enums import CertificationMethod, PaymentState, StaffRole
from tests.api.backoffice.conftest import ensure_tree
from tests.api.backoffice.helpers import feed_ctx, write_csv

C, R, A, U = StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN, StaffRole.UNIT_ADMIN
ENDPOINTS = [
    ("GET", "/api/v1/backoffice/stats", None, {C, R, A}),
    ("GET", "/api/v1/backoffice/stats/export.csv", None, {C, R, A}),
    ("POST", "/api/v1/backoffice/cycle/run", {"month": "2019-01"}, {A}),
    ("GET", "/api/v1/backoffice/feed-mismatches", None, {R, A}),
    ("GET", "/api/v1/backoffice/audit?verify=false", None, {R, A}),
    ("GET", "/api/v1/backoffice/spot-checks/999999", None, {C, R, A}),
    ("POST", "/api/v1/backoffice/spot-checks", {"half_year": "2019-H1", "region_code": "999999"}, {A}),
    ("GET", "/api/v1/backoffice/disclosure/999999/2026-H2.csv", None, {C, R, A}),
    ("GET", "/api/v1/backoffice/institutions/batches", None, {R, A}),
    ("GET", "/api/v1/backoffice/institutions/mine/retirees", None, {U}),
]


@pytest.fixture(scope="module")
def role_headers(module_engine, module_settings):
    """Headers of one staff member per role, whose accounts are in the module's template."""
    from fastapi.testclient import TestClient

    from api.auth import service
    from api.core.db import make_sessionmaker
    from api.main import create_app

    headers = {}
    with make_sessionmaker(module_engine)() as s:
        for role in StaffRole:
            name = f"matrix_{role.value}"
            staff = service.create_staff(
                s,
                username=name,
                name=name,
                role=role,
                password="correct horse",
                region_code=None,
                actor="system:test",
            )
            if role is U:
                unit = Institution(name="矩阵单位")
                s.add(unit)
                s.flush()
                s.add(InstitutionAdmin(staff_id=staff.id, institution_id=unit.id))
        s.commit()
    with TestClient(create_app(module_settings)) as client:
        for role in StaffRole:
            resp = client.post(
                "/api/v1/auth/staff/login",
                json={"username": f"matrix_{role.value}", "password": "correct horse"},
            )
            headers[role] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
    return headers


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS]
)
def test_role_checks(client, role_headers, method, path, body, allowed):
    assert client.request(method, path, json=body).status_code == 401
    for role, headers in role_headers.items():
        resp = client.request(method, path, json=body, headers=headers)
        if role in allowed:
            assert resp.status_code != 403, (role, resp.text)
            assert resp.status_code < 500
        else:
            assert resp.status_code == 403, (role, resp.status_code, resp.text)
            assert resp.json()["message"]


def test_run_month_changes_statistics_and_audit_viewer_finds_it(client, session, make_person, make_staff):
    admin = make_staff(A)
    p = make_person(name="钱塘江", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    ent.entitled_since = date(2020, 1, 1)
    session.commit()
    before = client.get("/api/v1/backoffice/stats", params={"as_of": "2026-11-01"}, headers=admin).json()

    resp = client.post("/api/v1/backoffice/cycle/run", json={"month": "2026-11"}, headers=admin)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["suspended"] >= 1
    assert any(
        c["entitlement_id"] == ent.id and c["change"] == "suspended" and c["month"] == "2026-11"
        for c in result["changes"]
    )
    after = client.get("/api/v1/backoffice/stats", params={"as_of": "2026-11-01"}, headers=admin).json()
    assert after["suspended"] == before["suspended"] + result["suspended"]
    assert next(t for t in after["trend"] if t["month"] == "2026-11")["suspended"] >= 1
    again = client.post("/api/v1/backoffice/cycle/run", json={"month": "2026-11"}, headers=admin).json()
    assert (again["suspended"], again["resumed"], again["reminders"]) == (0, 0, 0)

    page = client.get("/api/v1/backoffice/audit", params={"id_number": p.id_number}, headers=admin).json()
    assert page["chain_ok"] is True and page["chain_checked"] > 0
    assert [e["action"] for e in page["events"]] == ["entitlement.suspend"]
    by_date = client.get(
        "/api/v1/backoffice/audit", params={"action": "cycle.run", "date_from": "2000-01-01"}, headers=admin
    ).json()
    assert len(by_date["events"]) >= 2
    assert (
        client.get("/api/v1/backoffice/audit", params={"date_from": "not-a-date"}, headers=admin).status_code
        == 422
    )
    bad = client.post("/api/v1/backoffice/cycle/run", json={"month": "2026-13"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["message"]


def test_statistics_rate_and_csv(client, session, make_person, make_staff):
    staff = make_staff(C)
    a = make_person(name="甲乙丙", birth=date(1950, 1, 1))
    session.add(
        Certification(
            beneficiary_id=a.id,
            window_start=date(2026, 1, 1),
            window_end=date(2026, 12, 31),
            method=CertificationMethod.STAFF_ONSITE,
            operator_kind="staff",
            result="passed",
            evidence=[],
            certified_at=sa.func.now(),
            local_date=date(2026, 10, 10),
        )
    )
    session.commit()
    stats = client.get("/api/v1/backoffice/stats", params={"as_of": "2026-11-22"}, headers=staff).json()
    assert stats["target_rate"] == 0.8
    assert 0.0 <= stats["electronic_rate"] <= 1.0
    assert stats["electronic"] <= stats["certified"] <= stats["people"]
    assert any(m["method"] == "staff_onsite" for m in stats["by_method"])
    assert len(stats["trend"]) == 12
    csv_text = client.get(
        "/api/v1/backoffice/stats/export.csv", params={"as_of": "2026-11-22"}, headers=staff
    ).text
    assert csv_text.lstrip("\ufeff").startswith("table,key,name")
    assert "\nregion,110101," in csv_text


def test_feed_mismatch_review_over_http(client, session, make_person, make_staff, tmp_path):
    reviewer = make_staff(R)
    p = make_person(name="林黛玉", birth=date(1952, 12, 1))
    f = write_csv(
        tmp_path / "d.csv", ["id_number", "name", "start_date"], [[p.id_number, "林代玉", "2026-10-01"]]
    )
    import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx())
    session.commit()
    items = client.get("/api/v1/backoffice/feed-mismatches", headers=reviewer).json()
    mine = next(i for i in items if i["feed_name"] == "林代玉")
    assert mine["roll_name"] == "林黛玉" and mine["kind"] == "detention"
    resp = client.post(
        f"/api/v1/backoffice/feed-mismatches/{mine['id']}/decision",
        json={"apply": False, "reason": "not the same person"},
        headers=reviewer,
    )
    assert resp.status_code == 200 and resp.json()["status"] == "dismissed"
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    session.refresh(ent)
    assert ent.payment_state is PaymentState.ACTIVE
    again = client.post(
        f"/api/v1/backoffice/feed-mismatches/{mine['id']}/decision",
        json={"apply": True, "reason": "changed my mind"},
        headers=reviewer,
    )
    assert again.status_code == 409


def _certify(session, person, day: date) -> None:
    session.add(
        Certification(
            beneficiary_id=person.id,
            window_start=date(day.year, 1, 1),
            window_end=date(day.year, 12, 31),
            method=CertificationMethod.SELF_FACE,
            operator_kind="self",
            result="passed",
            evidence=[],
            certified_at=sa.func.now(),
            local_date=day,
        )
    )


def test_spot_check_sample_is_reproducible(client, session, make_person, make_staff):
    tree = ensure_tree(session)
    for town, villages in tree.items():
        for i, village in enumerate(villages):
            for k in range(3):
                p = make_person(name=f"抽查{town[-1]}{i}{k}", birth=date(1940 + k, 1 + i, 1 + int(town[-1])))
                p.region_code = village
                _certify(session, p, date(2026, 8, 1 + k))
    session.commit()
    spec = SpotCheckCreate(half_year="2026-H2", region_code="110101", per_village=2)
    first = draw(session, spec, actor="test")
    session.commit()
    picked = sorted(
        (i.village_code, i.certification_id)
        for i in session.execute(
            sa.select(SpotCheckItem).where(SpotCheckItem.spot_check_id == first.id)
        ).scalars()
    )
    assert len({v for v, _ in picked}) == 4 and len(picked) == 8  # 2 townships × 2 villages × 2
    session.execute(sa.delete(SpotCheckItem).where(SpotCheckItem.spot_check_id == first.id))
    session.execute(sa.delete(SpotCheck).where(SpotCheck.id == first.id))
    session.commit()
    second = draw(session, spec, actor="test")
    session.commit()
    again = sorted(
        (i.village_code, i.certification_id)
        for i in session.execute(
            sa.select(SpotCheckItem).where(SpotCheckItem.spot_check_id == second.id)
        ).scalars()
    )
    assert again == picked
    assert seed_for("2026-H2", "110101") != seed_for("2026-H1", "110101")

    admin = make_staff(A)
    drawn = client.post(
        "/api/v1/backoffice/spot-checks",
        json={"half_year": "2026-H2", "region_code": "110101", "per_village": 2},
        headers=admin,
    ).json()
    assert sorted((i["village_code"], i["certification_id"]) for i in drawn["items"]) == picked
    assert all("*" in i["holder_id"] for i in drawn["items"])
    item = drawn["items"][0]
    rec = client.post(
        f"/api/v1/backoffice/spot-checks/{drawn['id']}/items/{item['id']}/outcome",
        json={"outcome": "confirmed", "note": "seen at home"},
        headers=make_staff(C),
    )
    assert rec.status_code == 200
    assert next(i for i in rec.json()["items"] if i["id"] == item["id"])["outcome"] == "confirmed"
    too_few = client.post(
        "/api/v1/backoffice/spot-checks",
        json={"half_year": "2026-H2", "region_code": "110101", "townships": 1},
        headers=admin,
    )
    assert too_few.status_code == 422


def test_disclosure_list_csv_and_pdf(client, session, make_person, make_staff):
    tree = ensure_tree(session)
    village = tree["110101001"][0]
    p = make_person(name="欧阳公示", birth=date(1948, 5, 5))
    p.region_code = village
    _certify(session, p, date(2026, 9, 9))
    session.commit()
    staff = make_staff(C)
    resp = client.get(
        f"/api/v1/backoffice/disclosure/{village}/2026-H2.csv",
        params={"posting_from": "2026-11-23", "tipoff": "0571-12333"},
        headers=staff,
    )
    assert resp.status_code == 200
    text = resp.content.decode("utf-8-sig")
    assert "欧阳公示" not in text and "欧**示" in text
    assert p.id_number not in text and p.id_number[:4] + "**********" + p.id_number[-4:] in text
    assert "2026-12-01" in text  # 7 working days from Mon 23 Nov: 23–27 Nov, 30 Nov, 1 Dec
    assert "0571-12333" in text and "certified" in text
    assert "tipoff_online,http://127.0.0.1:8550/tipoff" in text  # the citizens' app tip-off form
    pdf = client.get(f"/api/v1/backoffice/disclosure/{village}/2026-H2.pdf", headers=staff)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    short = client.get(
        f"/api/v1/backoffice/disclosure/{village}/2026-H2.csv", params={"working_days": 5}, headers=staff
    )
    assert short.status_code == 422
    # over the National Day holiday: 29, 30 Sep; 1–7 Oct off; 8, 9 Oct; Sat 10 Oct (a make-up working day);
    # 12, 13 Oct — the dates api/calendar.toml gives
    holiday = client.get(
        f"/api/v1/backoffice/disclosure/{village}/2026-H2.csv",
        params={"posting_from": "2026-09-29", "tipoff": "0571-12333"},
        headers=staff,
    )
    assert "posting_to,2026-10-13" in holiday.content.decode("utf-8-sig")


def test_institution_sees_only_its_retirees_and_batch_is_approved(client, session, make_person, make_staff):
    unit_headers, unit_staff = make_staff(U, with_id=True)
    inst, other = Institution(name="某市第一中学"), Institution(name="某市医院")
    session.add_all([inst, other])
    session.flush()
    session.add(InstitutionAdmin(staff_id=unit_staff, institution_id=inst.id))
    ours = [make_person(name=f"教师{i}", birth=date(1955, 3, 1 + i)) for i in range(2)]
    theirs = make_person(name="医生甲", birth=date(1955, 4, 1))
    for person in ours:
        session.add(InstitutionMember(beneficiary_id=person.id, institution_id=inst.id))
    session.add(InstitutionMember(beneficiary_id=theirs.id, institution_id=other.id))
    session.commit()

    seen = client.get("/api/v1/backoffice/institutions/mine/retirees", headers=unit_headers).json()
    assert sorted(r["beneficiary_id"] for r in seen) == sorted(p.id for p in ours)
    foreign = client.post(
        "/api/v1/backoffice/institutions/mine/batches",
        json={"beneficiary_ids": [ours[0].id, theirs.id], "statement": "all alive, checked on site today"},
        headers=unit_headers,
    )
    assert foreign.status_code == 422
    batch = client.post(
        "/api/v1/backoffice/institutions/mine/batches",
        json={"beneficiary_ids": [p.id for p in ours], "statement": "all alive, checked on site today"},
        headers=unit_headers,
    )
    assert batch.status_code == 201, batch.text
    reviewer = make_staff(R)
    decided = client.post(
        f"/api/v1/backoffice/institutions/batches/{batch.json()['id']}/decision",
        json={"approve": True, "reason": "unit statement checked"},
        headers=reviewer,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["certified"] == 2
    methods = (
        session.execute(
            sa.select(Certification.method).where(Certification.beneficiary_id.in_([p.id for p in ours]))
        )
        .scalars()
        .all()
    )
    assert methods == [CertificationMethod.ATTESTATION] * 2


def test_run_month_reports_an_ended_unemployment_benefit_as_stopped(client, session, make_person, make_staff):
    """The monthly run answers the unemployment benefits whose benefit period ended (ends_after) as
    ``stopped`` changes, from the month after the last month."""
    from shared.enums import BenefitType
    from shared.months import YearMonth

    admin = make_staff(A)
    p = make_person(
        name="钱失业",
        birth=date(1985, 2, 2),
        benefits=(BenefitType.UNEMPLOYMENT,),
        entitled_since=date(2026, 1, 1),
    )
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    ent.ends_after = YearMonth(2026, 6)
    session.commit()
    result = client.post("/api/v1/backoffice/cycle/run", json={"month": "2026-07"}, headers=admin).json()
    assert result["stopped"] >= 1
    assert {"entitlement_id": ent.id, "change": "stopped", "month": "2026-07"}.items() <= next(
        c for c in result["changes"] if c["entitlement_id"] == ent.id
    ).items()
    again = client.post("/api/v1/backoffice/cycle/run", json={"month": "2026-07"}, headers=admin).json()
    assert again["stopped"] == 0
