"""Record changes over HTTP on SQLite and PostgreSQL: each field from proposal to approval with before and
after in the audit trail, and the refusals (own change, stale, duplicate ID number, no-op, second pending
proposal, region scope, masked bank account)."""

from __future__ import annotations

from datetime import date

import pytest

from api.beneficiaries.models import Beneficiary, Entitlement
from shared.cycle import agency_today
from shared.enums import PaymentState, StaffRole
from shared.idnumber import make_id_number
from shared.months import YearMonth

URL = "/api/v1/backoffice/record-changes"
VILLAGE = "110101001001"
OTHER_COUNTY = "110102"


@pytest.fixture
def staff(make_staff):
    """A coordinator who proposes and a reviewer who approves, both of the person's county."""
    coordinator, coordinator_id = make_staff(StaffRole.COORDINATOR, with_id=True, region_code="110101")
    reviewer, reviewer_id = make_staff(StaffRole.REVIEWER, with_id=True, region_code="110101")
    return {"coordinator": coordinator, "reviewer": reviewer, "ids": (coordinator_id, reviewer_id)}


def _propose(client, headers, person, field, value, **extra):
    body = {"person_id": person.id, "field": field, "value": value, "reason": "证件核对后更正", **extra}
    return client.post(URL, headers=headers, json=body)


def _audit(client, headers, person_id_number, action="record.change"):
    resp = client.get(
        "/api/v1/backoffice/audit",
        headers=headers,
        params={"id_number": person_id_number, "action": action, "verify": "true"},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["chain_ok"], resp.json()["chain_problem"]
    return resp.json()["events"]


def _approve(client, headers, change_id, note=None):
    return client.post(f"{URL}/{change_id}/approve", headers=headers, json={"note": note})


def test_name_change_is_applied_only_on_approval_and_audited(client, session, make_person, staff):
    person = make_person(name="张三明", region_code=VILLAGE)
    resp = _propose(client, staff["coordinator"], person, "name", " 张三民 ", evidence="户口簿第3页")
    assert resp.status_code == 201, resp.text
    change = resp.json()
    assert (change["before"], change["after"], change["status"]) == ("张三明", "张三民", "pending")
    assert change["can_decide"] is False  # the proposer sees it, cannot decide it
    session.expire_all()
    assert session.get(Beneficiary, person.id).name == "张三明"  # nothing changed yet

    queue = client.get(URL, headers=staff["reviewer"]).json()
    assert [(c["id"], c["can_decide"]) for c in queue] == [(change["id"], True)]

    resp = _approve(client, staff["reviewer"], change["id"], note="与户口簿一致")
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "approved"
    assert resp.json()["decided_by"] == staff["ids"][1]
    session.expire_all()
    assert session.get(Beneficiary, person.id).name == "张三民"
    assert client.get(URL, headers=staff["reviewer"]).json() == []

    events = _audit(client, staff["reviewer"], person.id_number)
    assert [(e["before"], e["after"], e["actor"]) for e in events] == [
        ({"name": "张三明"}, {"name": "张三民"}, f"staff:{staff['ids'][1]}")
    ]
    assert f"staff:{staff['ids'][0]}" in events[0]["reason"]
    actions = {
        e["action"] for e in _audit(client, staff["reviewer"], person.id_number, action="record_change")
    }
    assert actions == {"record_change.propose", "record_change.approve"}


def test_the_proposer_can_never_decide_their_own_change(client, session, make_person, make_staff):
    reviewer, _ = make_staff(StaffRole.REVIEWER, with_id=True, region_code="110101")
    person = make_person(region_code=VILLAGE)
    change = _propose(client, reviewer, person, "name", "李四").json()
    for verb, body in (("approve", {}), ("reject", {"reason": "我自己撤回"})):
        resp = client.post(f"{URL}/{change['id']}/{verb}", headers=reviewer, json=body)
        assert resp.status_code == 403, resp.text
        assert resp.json()["error"] == "own_change"
    assert client.get(URL, headers=reviewer).json()[0]["can_decide"] is False
    session.expire_all()
    assert session.get(Beneficiary, person.id).name == person.name


def test_id_number_change_checks_the_number_and_follows_birth_date_and_sex(
    client, session, make_person, staff
):
    person = make_person(region_code=VILLAGE, birth=date(1950, 3, 15))
    other = make_person(region_code=VILLAGE, name="王五")
    bad = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
    resp = _propose(client, staff["coordinator"], person, "id_number", bad)
    assert (resp.status_code, resp.json()["error"]) == (422, "invalid_id_number")
    resp = _propose(client, staff["coordinator"], person, "id_number", other.id_number)
    assert (resp.status_code, resp.json()["error"]) == (409, "id_number_taken")
    resp = _propose(client, staff["coordinator"], person, "id_number", person.id_number.lower())
    assert (resp.status_code, resp.json()["error"]) == (422, "change_no_op")

    old_number = person.id_number
    new_number = make_id_number("110101", date(1951, 4, 2), 998)  # even sequence: female
    change = _propose(client, staff["coordinator"], person, "id_number", new_number).json()
    assert _approve(client, staff["reviewer"], change["id"]).status_code == 200
    session.expire_all()
    row = session.get(Beneficiary, person.id)
    assert (row.id_number, row.birth_date, row.sex) == (new_number, date(1951, 4, 2), "female")
    events = _audit(client, staff["reviewer"], new_number)
    old_sex = "male" if int(old_number[16]) % 2 else "female"  # GB 11643: the 17th digit's parity
    assert events[0]["before"] == {"id_number": old_number, "sex": old_sex, "birth_date": "1950-03-15"}
    assert events[0]["after"] == {"id_number": new_number, "sex": "female", "birth_date": "1951-04-02"}


def test_an_id_number_taken_after_the_proposal_is_refused_on_approval(client, session, make_person, staff):
    person = make_person(region_code=VILLAGE)
    new_number = make_id_number("110101", date(1952, 5, 5), 997)
    change = _propose(client, staff["coordinator"], person, "id_number", new_number).json()
    other = make_person(region_code=VILLAGE, name="赵六")
    other.id_number = new_number
    session.commit()
    resp = _approve(client, staff["reviewer"], change["id"])
    assert (resp.status_code, resp.json()["error"]) == (409, "id_number_taken")
    session.expire_all()
    assert session.get(Beneficiary, person.id).id_number == person.id_number
    assert client.get(f"{URL}/{change['id']}", headers=staff["reviewer"]).json()["status"] == "pending"


def test_stale_change_is_refused_and_nothing_is_written(client, session, make_person, staff):
    person = make_person(region_code=VILLAGE)
    ent = person.entitlements[0]
    change = _propose(
        client, staff["coordinator"], person, "monthly_amount", "350000", entitlement_id=ent.id
    ).json()
    assert change["before"] == "312550"
    ent.monthly_cents = 320_000  # changed by something else meanwhile
    session.commit()
    resp = _approve(client, staff["reviewer"], change["id"])
    assert (resp.status_code, resp.json()["error"]) == (409, "change_stale")
    session.expire_all()
    assert session.get(Entitlement, ent.id).monthly_cents == 320_000
    assert _audit(client, staff["reviewer"], person.id_number) == []
    resp = client.post(f"{URL}/{change['id']}/reject", headers=staff["reviewer"], json={"reason": "金额已变"})
    assert resp.json()["status"] == "rejected"
    # decided: neither a second decision nor blocking a new proposal
    assert _approve(client, staff["reviewer"], change["id"]).json()["error"] == "change_decided"
    again = _propose(client, staff["coordinator"], person, "monthly_amount", "350000", entitlement_id=ent.id)
    assert again.status_code == 201, again.text


def test_monthly_amount_and_benefit_type(client, session, make_person, staff):
    from shared.enums import BenefitType

    person = make_person(region_code=VILLAGE, benefits=(BenefitType.ENTERPRISE_PENSION, BenefitType.SURVIVOR))
    pension, survivor = person.entitlements
    for value in ("-5", "12.5", "0", "abc"):
        resp = _propose(
            client, staff["coordinator"], person, "monthly_amount", value, entitlement_id=pension.id
        )
        assert (resp.status_code, resp.json()["error"]) == (422, "change_value_invalid"), value
    resp = _propose(client, staff["coordinator"], person, "monthly_amount", "350000")
    assert resp.json()["params"] == {"field": "entitlement_id"}
    amount = _propose(
        client, staff["coordinator"], person, "monthly_amount", "350000", entitlement_id=pension.id
    )
    resp = _propose(
        client, staff["coordinator"], person, "benefit_type", "survivor", entitlement_id=pension.id
    )
    assert (resp.status_code, resp.json()["error"]) == (409, "benefit_type_taken")
    kind = _propose(
        client, staff["coordinator"], person, "benefit_type", "work_injury", entitlement_id=survivor.id
    )
    for change in (amount.json(), kind.json()):
        assert _approve(client, staff["reviewer"], change["id"]).status_code == 200
    session.expire_all()
    assert session.get(Entitlement, pension.id).monthly_cents == 350_000
    assert session.get(Entitlement, survivor.id).benefit_type is BenefitType.WORK_INJURY
    changes = {
        (tuple(e["before"].items()), tuple(e["after"].items()))
        for e in _audit(client, staff["reviewer"], person.id_number)
    }
    assert changes == {
        ((("monthly_cents", 312550),), (("monthly_cents", 350000),)),
        ((("benefit_type", "survivor"),), (("benefit_type", "work_injury"),)),
    }


def test_status_change_goes_through_the_payment_rules(client, session, make_person, staff):
    person = make_person(region_code=VILLAGE)
    ent = person.entitlements[0]
    resp = _propose(client, staff["coordinator"], person, "status", "stopped", entitlement_id=ent.id)
    assert resp.json()["params"] == {"field": "from_month"}
    resp = _propose(client, staff["coordinator"], person, "status", "active", entitlement_id=ent.id)
    assert resp.json()["error"] == "change_no_op"
    change = _propose(
        client, staff["coordinator"], person, "status", "stopped", entitlement_id=ent.id, from_month="2026-12"
    ).json()
    assert (change["before"], change["after"], change["from_month"]) == ("active", "stopped", "2026-12")
    assert _approve(client, staff["reviewer"], change["id"]).status_code == 200
    session.expire_all()
    row = session.get(Entitlement, ent.id)
    assert (row.payment_state, str(row.stopped_from)) == (PaymentState.STOPPED, "2026-12")
    event = _audit(client, staff["reviewer"], person.id_number)[0]
    assert event["before"] == {"payment_state": "active"}
    assert event["after"] == {"payment_state": "stopped", "from_month": "2026-12"}
    # a stop is final: a proposal to resume is refused at once
    resp = _propose(client, staff["coordinator"], person, "status", "active", entitlement_id=ent.id)
    assert (resp.status_code, resp.json()["error"]) == (409, "change_not_allowed")


def test_a_suspension_lifted_by_a_change_pays_back_the_suspended_months(client, session, make_person, staff):
    """Rule 7 as for a late certification: paid again from next month, the months from the suspension to
    this one paid back, in the resume event the payroll export reads."""
    this_month = YearMonth.of(agency_today())
    since = this_month.plus(-3)
    person = make_person(region_code=VILLAGE, payment_state=PaymentState.SUSPENDED, suspended_since=since)
    ent = person.entitlements[0]
    change = _propose(client, staff["coordinator"], person, "status", "active", entitlement_id=ent.id).json()
    assert (change["before"], change["after"]) == ("suspended", "active")
    assert _approve(client, staff["reviewer"], change["id"]).status_code == 200
    session.expire_all()
    row = session.get(Entitlement, ent.id)
    assert (row.payment_state, row.suspended_since) == (PaymentState.ACTIVE, None)
    resumed = _audit(client, staff["reviewer"], person.id_number, action="entitlement.resume")
    assert len(resumed) == 1
    after = resumed[0]["after"]
    assert after["resume_month"] == str(this_month.next())
    assert after["back_pay_months"] == [str(since.plus(i)) for i in range(4)]
    assert after["back_pay_cents"] == 4 * row.monthly_cents > 0


def test_bank_account_is_masked_except_to_the_approver(client, session, make_person, make_staff, staff):
    person = make_person(region_code=VILLAGE)
    resp = _propose(client, staff["coordinator"], person, "bank_account", "12ab")
    assert (resp.status_code, resp.json()["error"]) == (422, "change_value_invalid")
    change = _propose(client, staff["coordinator"], person, "bank_account", "6222 0210 0112 3456").json()
    assert change["after"] == "************3456"  # the proposer sees it masked
    second = _propose(client, staff["coordinator"], person, "bank_account", "6222021001129999")
    assert (second.status_code, second.json()["error"]) == (409, "change_pending")
    queue = client.get(URL, headers=staff["reviewer"]).json()
    assert queue[0]["after"] == "6222021001123456"  # the approver sees it in full
    other_reviewer = make_staff(StaffRole.COORDINATOR, region_code="110101")
    assert client.get(f"{URL}/{change['id']}", headers=other_reviewer).json()["after"] == "************3456"
    assert _approve(client, staff["reviewer"], change["id"]).json()["after"] == "6222021001123456"
    session.expire_all()
    assert session.get(Beneficiary, person.id).bank_account == "6222021001123456"
    record = client.get(f"/api/v1/backoffice/people/{person.id}/record", headers=staff["coordinator"]).json()
    assert record["bank_account_masked"] == "************3456"
    assert record["changes"][0]["after"] == "************3456"
    event = _audit(client, staff["reviewer"], person.id_number)[0]
    assert (event["before"], event["after"]) == ({"bank_account": None}, {"bank_account": "************3456"})


def test_region_scope_for_proposer_and_approver(client, session, make_person, make_staff, staff):
    person = make_person(region_code=VILLAGE)
    outsider = make_staff(StaffRole.ADMIN, region_code=OTHER_COUNTY)
    resp = _propose(client, outsider, person, "name", "李四")
    assert resp.status_code == 404
    change = _propose(client, staff["coordinator"], person, "name", "李四").json()
    unknown = client.post(f"{URL}/999999/approve", headers=outsider, json={})
    resp = client.post(f"{URL}/{change['id']}/approve", headers=outsider, json={})
    assert (resp.status_code, resp.json()) == (unknown.status_code, unknown.json())
    assert client.get(URL, headers=outsider).json() == []
    assert client.get(f"/api/v1/backoffice/people/{person.id}/record", headers=outsider).status_code == 404

    # the proposer moved to another county since: the approver is refused
    from api.auth.models import StaffUser
    from tests.api.factories import ensure_regions

    ensure_regions(session, OTHER_COUNTY)
    session.get(StaffUser, staff["ids"][0]).region_code = OTHER_COUNTY
    session.commit()
    resp = _approve(client, staff["reviewer"], change["id"])
    assert (resp.status_code, resp.json()["error"]) == (409, "proposer_out_of_scope")


def test_history_lists_every_proposal_newest_first(client, make_person, staff):
    person = make_person(region_code=VILLAGE)
    first = _propose(client, staff["coordinator"], person, "name", "李四").json()
    client.post(f"{URL}/{first['id']}/reject", headers=staff["reviewer"], json={"reason": "证件不符"})
    second = _propose(client, staff["coordinator"], person, "name", "李思").json()
    record = client.get(f"/api/v1/backoffice/people/{person.id}/record", headers=staff["coordinator"]).json()
    assert [(c["id"], c["status"]) for c in record["changes"]] == [
        (second["id"], "pending"),
        (first["id"], "rejected"),
    ]
    assert record["changes"][1]["decision_reason"] == "证件不符"
    assert record["entitlements"][0]["monthly_cents"] == 312550


def test_benefit_type_is_never_changed_to_or_from_unemployment(client, session, make_person, staff):
    """Unemployment benefit carries its benefit period (ends_after): a record change cannot turn it into
    another type (the run would stop that one) nor make it from another type (no period)."""
    from shared.enums import BenefitType

    person = make_person(region_code=VILLAGE, benefits=(BenefitType.UNEMPLOYMENT, BenefitType.SURVIVOR))
    unemployment, survivor = person.entitlements
    for ent, value in ((unemployment, "enterprise_pension"), (survivor, "unemployment")):
        resp = _propose(client, staff["coordinator"], person, "benefit_type", value, entitlement_id=ent.id)
        assert (resp.status_code, resp.json()["error"]) == (422, "change_value_invalid"), value
        assert resp.json()["params"] == {"field": "benefit_type"}
    session.expire_all()
    assert [e.benefit_type for e in session.get(Beneficiary, person.id).entitlements] == [
        BenefitType.UNEMPLOYMENT,
        BenefitType.SURVIVOR,
    ]
