"""Monthly death reports on SQLite and PostgreSQL: a village's report (or 'none this month') replaced until
the township consolidates it, then locked; consolidation stops payment for a listed death exactly as a death
record from the data comparison does, and reports unknown ID numbers per row; the county consolidates
townships and institutions; the late list and reminders with a fixed date; refusals with their codes."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Beneficiary, Entitlement
from api.cli import main as cli_main
from api.death_reports import service
from api.institutions.models import Institution, InstitutionAdmin, InstitutionMember
from api.notify.models import OutboxMessage
from api.regions.scope import RegionScope
from shared.cycle import agency_today
from shared.death_reports import ReporterKind, UnitStatus, deadline
from shared.enums import PaymentState, StaffRole, StopReason
from shared.idnumber import make_id_number
from shared.months import YearMonth
from shared.policy import PolicyTable
from tests.api.factories import ensure_regions

URL = "/api/v1/backoffice/death-reports"
COUNTY = "110101"
TOWNSHIP = "110101001"
TOWNSHIP_2 = "110101002"
VILLAGE_A = "110101001001"
VILLAGE_B = "110101001002"
OTHER_COUNTY = "110102"
# two months back: every deadline of that month has passed, whatever day the tests run
MONTH = YearMonth.of(agency_today()).plus(-2)


@pytest.fixture
def tree(session):
    for code in (VILLAGE_A, VILLAGE_B, "110101002001", "110101002002", "110102001001"):
        ensure_regions(session, code)
    session.commit()


def _audit(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.execute(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
        .scalars()
        .all()
    )


def _row(person, day: int = 10, **extra):
    return {
        "id_number": person.id_number,
        "name": person.name,
        "died_on": date(MONTH.year, MONTH.month, day).isoformat(),
        "note": "县医院",
        **extra,
    }


def _submit(client, headers, **body):
    return client.post(URL, headers=headers, json={"month": str(MONTH), **body})


def _consolidate(client, headers, region, **extra):
    body = {"month": str(MONTH), "region_code": region, **extra}
    return client.post(f"{URL}/consolidations", headers=headers, json=body)


def test_none_then_replaced_then_locked_after_the_township_consolidates(client, session, make_staff, tree):
    village = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_A)
    township = make_staff(StaffRole.COORDINATOR, region_code=TOWNSHIP)

    first = _submit(client, village, none_this_month=True)
    assert first.status_code == 201, first.text
    report = first.json()
    assert (report["kind"], report["unit"], report["none_this_month"], report["deaths"]) == (
        "village",
        f"village:{VILLAGE_A}",
        True,
        [],
    )
    assert report["late"] is True  # two months back: past the 3rd of last month
    assert report["deadline"] == deadline(MONTH, ReporterKind.VILLAGE, (3, 4, 5)).isoformat()

    outsider = make_staff(StaffRole.COORDINATOR, region_code="110102001001")
    person = {"id_number": make_id_number(COUNTY, date(1940, 1, 1), 7), "name": "王某"}  # not on the roll
    row = {**person, "died_on": date(MONTH.year, MONTH.month, 2).isoformat()}
    again = _submit(client, village, deaths=[row])
    assert again.status_code == 201, again.text
    assert again.json()["id"] == report["id"]
    assert (again.json()["replaced"], again.json()["none_this_month"], len(again.json()["deaths"])) == (
        1,
        False,
        1,
    )
    assert again.json()["deaths"][0]["id_number"] != person["id_number"]  # masked
    replaced = _audit(session, "death_report.replace")
    assert [(e.before, e.after["deaths"]) for e in replaced] == [({"none_this_month": True, "deaths": 0}, 1)]
    assert len(_audit(session, "death_report.submit")) == 1
    # another county's coordinator cannot report for this village: the same 404 as for no village
    assert _submit(client, outsider, village_code=VILLAGE_A, none_this_month=True).status_code == 404

    # village B has not reported; its deadline is past, so the township may consolidate without it
    refused = _consolidate(client, township, TOWNSHIP)
    assert refused.status_code == 409
    assert refused.json()["error"] == "death_report_missing"
    done = _consolidate(client, township, TOWNSHIP, accept_missing=True)
    assert done.status_code == 201, done.text
    body = done.json()
    assert (body["included"], body["missing"]) == ([f"village:{VILLAGE_A}"], [f"village:{VILLAGE_B}"])
    assert [(r["unit"], r["row"], r["outcome"]) for r in body["rows"]] == [
        (f"village:{VILLAGE_A}", 1, "not_on_roll")
    ]

    locked = _submit(client, village, none_this_month=True)
    assert locked.status_code == 409
    assert locked.json()["error"] == "death_report_locked"
    late_b = _submit(client, make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_B), none_this_month=True)
    assert late_b.status_code == 409
    assert late_b.json()["error"] == "death_report_locked"
    twice = _consolidate(client, township, TOWNSHIP, accept_missing=True)
    assert twice.status_code == 409
    assert twice.json()["error"] == "death_report_consolidated"
    shown = client.get(f"{URL}/{report['id']}", headers=village)
    assert shown.status_code == 200
    assert shown.json()["locked"] is True


def test_consolidation_stops_payment_like_a_death_record_and_reports_unknown_rows(
    client, session, make_staff, make_person, tree
):
    person = make_person(name="李长寿", region_code=VILLAGE_A)
    alive = make_person(name="赵健在", region_code=VILLAGE_A)
    session.commit()
    unknown = make_id_number(COUNTY, date(1939, 5, 5), 901)
    village_a = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_A)
    village_b = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_B)
    township = make_staff(StaffRole.REVIEWER, region_code=TOWNSHIP)
    rows = [
        _row(person),
        {**_row(alive), "name": "赵别名"},
        _row(alive, 3) | {"id_number": unknown, "name": "无名"},
    ]
    assert _submit(client, village_a, deaths=rows).status_code == 201
    assert _submit(client, village_b, none_this_month=True).status_code == 201

    resp = _consolidate(client, township, TOWNSHIP)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["missing"] == []
    assert [(r["row"], r["outcome"]) for r in body["rows"]] == [
        (1, "applied"),
        (2, "mismatched"),
        (3, "not_on_roll"),
    ]
    assert body["applied"] == 1

    session.expire_all()
    dead = session.get(Beneficiary, person.id)
    assert dead.deceased_on == date(MONTH.year, MONTH.month, 10)
    ents = (
        session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalars().all()
    )
    assert [(e.payment_state, e.stopped_reason, e.stopped_from) for e in ents] == [
        (PaymentState.STOPPED, StopReason.DECEASED, MONTH.next())
    ]
    assert session.get(Beneficiary, alive.id).deceased_on is None  # a name mismatch waits for a reviewer
    deceased = _audit(session, "beneficiary.deceased")
    assert [e.entity_id for e in deceased] == [str(person.id)]
    assert "monthly death report" in deceased[0].after["source"]
    [event] = _audit(session, "death_report.consolidate")
    assert (event.after["deaths"], event.after["applied"]) == (3, 1)


def test_the_county_consolidates_townships_and_institutions(client, session, make_staff, make_person, tree):
    retiree = make_person(name="钱退休", region_code=VILLAGE_B)
    inst = Institution(name="东城区第一中学")
    session.add(inst)
    session.flush()
    session.add(InstitutionMember(beneficiary_id=retiree.id, institution_id=inst.id))
    session.commit()
    unit_admin, admin_id = make_staff(StaffRole.UNIT_ADMIN, with_id=True, region_code=COUNTY)
    session.add(InstitutionAdmin(staff_id=admin_id, institution_id=inst.id))
    session.commit()
    county = make_staff(StaffRole.ADMIN, region_code=COUNTY)

    resp = _submit(client, unit_admin, deaths=[_row(retiree, 20)])
    assert resp.status_code == 201, resp.text
    assert (resp.json()["kind"], resp.json()["unit"]) == ("institution", f"institution:{inst.id}")
    for village in (VILLAGE_A, VILLAGE_B):
        assert _submit(client, county, village_code=village, none_this_month=True).status_code == 201
    assert _consolidate(client, county, TOWNSHIP).status_code == 201

    refused = _consolidate(client, county, COUNTY)
    assert refused.status_code == 409
    assert refused.json()["error"] == "death_report_missing"  # township 2 has not consolidated
    resp = _consolidate(client, county, COUNTY, accept_missing=True)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["included"] == sorted([f"institution:{inst.id}", f"township:{TOWNSHIP}"])
    assert body["missing"] == [f"township:{TOWNSHIP_2}"]
    assert [(r["unit"], r["outcome"]) for r in body["rows"]] == [(f"institution:{inst.id}", "applied")]
    session.expire_all()
    assert session.get(Beneficiary, retiree.id).deceased_on == date(MONTH.year, MONTH.month, 20)
    # the county has consolidated: township 2 and the unit can no longer change anything
    late = _consolidate(client, county, TOWNSHIP_2, accept_missing=True)
    assert (late.status_code, late.json()["error"]) == (409, "death_report_locked")
    again = _submit(client, unit_admin, none_this_month=True)
    assert (again.status_code, again.json()["error"]) == (409, "death_report_locked")


def test_deadlines_late_list_and_reminders_on_a_fixed_date(session, make_staff, tree, db_url, capsys):
    _, coordinator_id = make_staff(StaffRole.COORDINATOR, with_id=True, region_code=VILLAGE_A)
    policy = PolicyTable()
    october = YearMonth(2026, 10)

    def states(today: date, scope: RegionScope) -> dict[str, UnitStatus]:
        listed = service.late_list(session, october, scope=scope, today=today, policy=policy)
        return {u.unit: u.status for u in listed.units}

    township_scope = RegionScope(TOWNSHIP)
    on_the_3rd = states(date(2026, 11, 3), township_scope)
    assert on_the_3rd == {
        f"village:{VILLAGE_A}": UnitStatus.NOT_DUE,
        f"village:{VILLAGE_B}": UnitStatus.NOT_DUE,
        f"township:{TOWNSHIP}": UnitStatus.NOT_DUE,
    }
    on_the_4th = states(date(2026, 11, 4), township_scope)
    assert on_the_4th[f"village:{VILLAGE_A}"] is UnitStatus.LATE
    assert on_the_4th[f"township:{TOWNSHIP}"] is UnitStatus.NOT_DUE
    assert states(date(2026, 11, 5), township_scope)[f"township:{TOWNSHIP}"] is UnitStatus.LATE
    # a village coordinator sees only the own village; the county its whole tree, late units first
    assert set(states(date(2026, 11, 4), RegionScope(VILLAGE_A))) == {f"village:{VILLAGE_A}"}
    county = service.late_list(
        session, october, scope=RegionScope(COUNTY), today=date(2026, 11, 6), policy=policy
    )
    assert {u.unit for u in county.units} >= {f"county:{COUNTY}", f"township:{TOWNSHIP_2}"}
    assert all(u.status is UnitStatus.LATE for u in county.units)
    # the policy's days move the deadlines
    later = PolicyTable(death_report_days=(10, 12, 15))
    listed = service.late_list(session, october, scope=township_scope, today=date(2026, 11, 4), policy=later)
    assert {u.status for u in listed.units} == {UnitStatus.NOT_DUE}

    sent = service.remind(
        session,
        october,
        scope=RegionScope(VILLAGE_A),
        today=date(2026, 11, 4),
        policy=policy,
        actor="system:t",
    )
    assert [(r.unit, r.recipients, r.queued) for r in sent] == [(f"village:{VILLAGE_A}", 1, True)]
    session.commit()
    [msg] = session.execute(sa.select(OutboxMessage)).scalars().all()
    assert msg.template == "death_report_reminder"
    assert "2026年10月" in msg.body
    [event] = _audit(session, "death_report.remind")
    assert (event.entity_id, event.after["recipients"]) == (f"village:{VILLAGE_A}", [coordinator_id])

    # the command: the same day again queues nothing new; the output names each late unit
    code = cli_main(
        [
            "--database-url",
            db_url,
            "death-reports",
            "remind",
            "--month",
            "2026-10",
            "--today",
            "2026-11-04",
            "--region",
            TOWNSHIP,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"village:{VILLAGE_A}\t" in out and "already reminded today" in out
    assert f"village:{VILLAGE_B}\t" in out and "no staff account on file" in out
    assert "2 late unit(s) for 2026-10" in out
    session.expire_all()
    assert len(session.execute(sa.select(OutboxMessage)).scalars().all()) == 1
    assert len(_audit(session, "death_report.remind")) == 2  # village B: recorded, nobody to send to


def test_late_list_and_reminders_over_http(client, make_staff, tree):
    township = make_staff(StaffRole.COORDINATOR, region_code=TOWNSHIP)
    village = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_A)
    assert _submit(client, village, none_this_month=True).status_code == 201
    resp = client.get(URL, headers=township, params={"month": str(MONTH)})
    assert resp.status_code == 200, resp.text
    units = {u["unit"]: u["status"] for u in resp.json()["units"]}
    assert units == {
        f"village:{VILLAGE_A}": "reported_late",
        f"village:{VILLAGE_B}": "late",
        f"township:{TOWNSHIP}": "late",
    }
    only = client.get(URL, headers=township, params={"month": str(MONTH), "only_late": "true"}).json()
    assert [u["unit"] for u in only["units"]] == [f"village:{VILLAGE_B}", f"township:{TOWNSHIP}"]
    sent = client.post(f"{URL}/reminders", headers=township, json={"month": str(MONTH)})
    assert sent.status_code == 200, sent.text
    assert {r["unit"]: r["recipients"] for r in sent.json()} == {
        f"village:{VILLAGE_B}": 0,
        f"township:{TOWNSHIP}": 1,
    }


def _bad(person_id_number: str) -> list[tuple[dict, str]]:
    day = date(MONTH.year, MONTH.month, 5).isoformat()
    row = {"id_number": person_id_number, "name": "某", "died_on": day}
    this_month = str(YearMonth.of(agency_today()))
    broken = person_id_number[:-1] + ("1" if person_id_number[-1] == "0" else "0")  # wrong check digit
    return [
        ({"none_this_month": True, "month": this_month}, "death_report_month_invalid"),
        ({"none_this_month": True, "deaths": [row]}, "death_report_none_with_rows"),
        ({}, "death_report_empty"),
        ({"deaths": [{**row, "id_number": broken}]}, "death_report_id_invalid"),
        ({"deaths": [row, row]}, "death_report_duplicate_row"),
        ({"deaths": [{**row, "died_on": MONTH.next().first_day().isoformat()}]}, "death_report_date_invalid"),
        ({"village_code": TOWNSHIP + "000", "none_this_month": True}, "not_found"),
        ({"month": "2026-13", "none_this_month": True}, "validation_error"),
    ]


def test_bad_input_is_refused_with_a_code_and_nothing_written(client, session, make_staff, tree):
    village = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE_A)
    county = make_staff(StaffRole.ADMIN, region_code=COUNTY)
    number = make_id_number(COUNTY, date(1941, 2, 2), 12)
    for body, code in _bad(number):
        resp = client.post(URL, headers=village, json={"month": str(MONTH), **body})
        assert resp.status_code in (404, 422), (body, resp.text)
        assert resp.json()["error"] == code, (body, resp.text)
    township_as_village = _submit(client, county, village_code=TOWNSHIP, none_this_month=True)
    assert (township_as_village.status_code, township_as_village.json()["error"]) == (
        422,
        "death_report_unit_invalid",
    )
    village_consolidating = _consolidate(client, county, VILLAGE_A)
    assert (village_consolidating.status_code, village_consolidating.json()["error"]) == (
        422,
        "death_report_not_consolidating",
    )
    unit_admin = make_staff(StaffRole.UNIT_ADMIN, region_code=COUNTY)  # administers no institution
    assert _submit(client, unit_admin, none_this_month=True).status_code == 403
    reviewer = make_staff(StaffRole.REVIEWER, region_code=COUNTY)  # reviewers do not submit reports
    assert _submit(client, reviewer, village_code=VILLAGE_A, none_this_month=True).status_code == 403
    assert client.get(URL, headers=village, params={"month": "2026-1"}).status_code == 422
    session.expire_all()
    assert _audit(session, "death_report.submit") == []
