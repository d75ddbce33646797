"""Recovering an overpayment over HTTP on SQLite and PostgreSQL: every step between states (allowed ones
move the case, the others are 409 ``recovery_step_not_allowed``), the ledger (outstanding = amount − sum,
the last yuan moves the case to repaid), the credit list (only refused cases of 3,000 yuan or more), the
audit trail, roles and region scope."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from shared.cycle import agency_today
from shared.enums import StaffRole
from shared.recovery import STEPS, RecoveryState
from tests.api.backoffice.recovery_cases import make_case

BASE = "/api/v1/backoffice/recovery-cases"
S = RecoveryState
BIG = 4 * 312_550  # 12,502.00 yuan
SMALL = 4 * 50_000  # 2,000.00 yuan: below the credit-list threshold
VILLAGE, OTHER_VILLAGE = "110101001001", "110102001001"


@pytest.fixture
def reviewer(make_staff):
    return make_staff(StaffRole.REVIEWER, with_id=True)


def step(client, headers, case_id, to, **extra):
    body = {"to": to, "note": extra.pop("note", f"step to {to}"), **extra}
    return client.post(f"{BASE}/{case_id}/steps", headers=headers, json=body)


def pay(client, headers, case_id, amount, kind="instalment", **extra):
    body = {"amount_cents": amount, "kind": kind, **extra}
    return client.post(f"{BASE}/{case_id}/repayments", headers=headers, json=body)


def test_a_case_goes_from_open_through_an_agreement_to_repaid(client, session, make_person, reviewer):
    headers, staff_id = reviewer
    case_id = make_case(session, make_person, amount_cents=BIG)

    opened = client.get(f"{BASE}/{case_id}", headers=headers).json()
    assert (opened["state"], opened["outstanding_cents"], opened["next_steps"]) == ("open", BIG, ["notified"])

    notified = step(client, headers, case_id, "notified", documents=["告知书 2026-031"], on="2026-11-02")
    assert notified.status_code == 200, notified.text
    agreed = step(client, headers, case_id, "agreed", agreement="instalments", note="heir signed a plan")
    assert agreed.status_code == 200, agreed.text
    assert (agreed.json()["state"], agreed.json()["agreement"]) == ("agreed", "instalments")

    first = pay(client, headers, case_id, 500_000, on="2026-11-10")
    assert first.status_code == 201, first.text
    assert (first.json()["repaid_cents"], first.json()["outstanding_cents"]) == (500_000, BIG - 500_000)
    assert first.json()["state"] == "agreed"
    second = pay(client, headers, case_id, 2_00, kind="deduction", note="from back pay")
    assert second.json()["outstanding_cents"] == BIG - 500_200
    last = pay(client, headers, case_id, BIG - 500_200)
    assert last.status_code == 201, last.text
    done = last.json()
    assert (done["state"], done["outstanding_cents"], done["repaid_cents"]) == ("repaid", 0, BIG)
    assert done["next_steps"] == [] and not done["takes_repayments"]
    assert [e["amount_cents"] for e in done["repayments"]] == [500_000, 2_00, BIG - 500_200]
    assert [(s["from_state"], s["to_state"]) for s in done["steps"]] == [
        ("open", "notified"),
        ("notified", "agreed"),
        ("agreed", "repaid"),
    ]
    first_step = done["steps"][0]
    assert first_step["on"] == "2026-11-02" and first_step["documents"] == ["告知书 2026-031"]
    assert first_step["staff_id"] == staff_id and first_step["note"] == "step to notified"
    assert first_step["staff_name"] == done["repayments"][0]["staff_name"] == "Staff reviewer"

    # nothing more can come in, and the audit trail has every change with before and after
    assert pay(client, headers, case_id, 1).json()["error"] == "recovery_over_balance"
    session.expire_all()
    events = session.execute(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "recovery_case", AuditEvent.entity_id == str(case_id))
        .order_by(AuditEvent.seq)
    ).scalars()
    trail = [(e.action, e.actor) for e in events]
    actor = f"staff:{staff_id}"
    assert trail == [
        ("recovery.notified", actor),
        ("recovery.agreed", actor),
        ("recovery.repayment", actor),
        ("recovery.repayment", actor),
        ("recovery.repayment", actor),
        ("recovery.repaid", actor),
    ]


def test_every_step_between_states_is_allowed_or_refused_with_409(client, session, make_person, reviewer):
    headers, _ = reviewer
    for current in RecoveryState:
        for target in RecoveryState:
            case_id = make_case(session, make_person, amount_cents=BIG, state=current.value)
            extra = {"agreement": "deduction"} if target is S.AGREED else {}
            resp = step(client, headers, case_id, target.value, **extra)
            if target in STEPS[current]:
                assert resp.status_code == 200, (current, target, resp.text)
                assert resp.json()["state"] == target.value
            else:
                assert resp.status_code == 409, (current, target, resp.text)
                body = resp.json()
                assert body["error"] == "recovery_step_not_allowed", (current, target)
                assert body["params"] == {"from": current.value, "to": target.value}
                after = client.get(f"{BASE}/{case_id}", headers=headers).json()
                assert after["state"] == current.value and after["steps"] == []


def test_repaid_is_never_chosen_by_hand(client, session, make_person, reviewer):
    headers, _ = reviewer
    case_id = make_case(session, make_person, state="agreed")
    resp = step(client, headers, case_id, "repaid")
    assert (resp.status_code, resp.json()["error"]) == (409, "recovery_step_not_allowed")


def test_refused_below_3000_yuan_is_not_credit_listed_but_may_go_to_court(
    client, session, make_person, reviewer
):
    headers, _ = reviewer
    case_id = make_case(session, make_person, amount_cents=SMALL, state="notified")
    assert step(client, headers, case_id, "refused", note="heir refuses").status_code == 200
    listed = step(client, headers, case_id, "credit_listed")
    assert listed.status_code == 409
    assert listed.json()["error"] == "recovery_not_creditable"
    assert listed.json()["params"] == {"amount_cents": SMALL, "threshold_cents": 300_000}
    court = step(client, headers, case_id, "court_referred")
    assert court.status_code == 200 and not court.json()["credit_listed"]
    export = client.get(f"{BASE}/credit-list.csv", headers=headers)
    assert str(case_id) not in [row["case_id"] for row in rows(export.text)]


def test_the_threshold_is_inclusive_at_3000_yuan(client, session, make_person, reviewer):
    headers, _ = reviewer
    exactly = make_case(session, make_person, amount_cents=300_000, state="refused")
    below = make_case(session, make_person, amount_cents=299_996, state="refused")
    assert step(client, headers, exactly, "credit_listed").status_code == 200
    assert step(client, headers, below, "credit_listed").status_code == 409


def test_a_case_opened_by_the_death_feed_is_not_credit_listed_until_refused(
    client, session, make_person, reviewer
):
    headers, _ = reviewer
    case_id = make_case(session, make_person, amount_cents=BIG)
    assert not client.get(f"{BASE}/{case_id}", headers=headers).json()["credit_listed"]
    for to in ("notified", "refused"):
        assert step(client, headers, case_id, to).status_code == 200
    assert not client.get(f"{BASE}/{case_id}", headers=headers).json()["credit_listed"]
    listed = step(client, headers, case_id, "credit_listed", documents=["失信认定书 7"])
    assert listed.json()["credit_listed"] and listed.json()["state"] == "credit_listed"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_credit_list_has_only_refused_cases_of_3000_yuan_or_more(client, session, make_person, reviewer):
    headers, _ = reviewer
    listed = make_case(session, make_person, amount_cents=BIG, state="notified", name="=HYPERLINK(1)")
    then_court = make_case(session, make_person, amount_cents=BIG, state="notified", name="失信甲")
    refused_only = make_case(session, make_person, amount_cents=BIG, state="notified", name="拒还乙")
    court_only = make_case(session, make_person, amount_cents=BIG, state="notified", name="移送戊")
    small = make_case(session, make_person, amount_cents=SMALL, state="notified", name="小额丙")
    agreed = make_case(session, make_person, amount_cents=BIG, state="notified", name="同意丁")
    for case_id, path in (
        (listed, ("refused", "credit_listed")),
        (then_court, ("refused", "credit_listed", "court_referred")),
        (refused_only, ("refused",)),
        (court_only, ("refused", "court_referred")),
        (small, ("refused",)),
        (agreed, ("agreed",)),
    ):
        for to in path:
            extra = {"agreement": "deduction"} if to == "agreed" else {}
            resp = step(client, headers, case_id, to, on="2026-11-20", **extra)
            assert resp.status_code == 200, resp.text
    assert step(client, headers, small, "credit_listed").status_code == 409
    assert pay(client, headers, listed, 200_000, kind="deduction").status_code == 201

    resp = client.get(f"{BASE}/credit-list.csv", headers=headers)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    found = rows(resp.text)
    assert [r["case_id"] for r in found] == [str(listed), str(then_court)]
    first, second = found
    assert first["name"] == "'=HYPERLINK(1)"  # a spreadsheet shows it as text, never runs it
    assert (first["amount_yuan"], first["outstanding_yuan"]) == ("12502.00", "10502.00")
    assert (first["refused_on"], first["listed_on"]) == ("2026-11-20", "2026-11-20")
    assert second["name"] == "失信甲" and second["outstanding_yuan"] == "12502.00"
    session.expire_all()
    export = session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "recovery.credit_list_export")
    ).scalar_one()
    assert export.after["cases"] == [listed, then_court]


@pytest.mark.parametrize("amount", [0, -100])
def test_a_repayment_must_be_positive(client, session, make_person, reviewer, amount):
    headers, _ = reviewer
    case_id = make_case(session, make_person)
    resp = pay(client, headers, case_id, amount)
    assert resp.status_code == 422 and resp.json()["error"] == "validation_error"
    assert resp.json()["details"][0]["code"] == "greater_than"


def test_a_repayment_over_the_balance_is_refused_and_nothing_is_written(
    client, session, make_person, reviewer
):
    headers, _ = reviewer
    case_id = make_case(session, make_person, amount_cents=BIG, state="agreed")
    assert pay(client, headers, case_id, BIG - 100).status_code == 201
    over = pay(client, headers, case_id, 101)
    assert over.status_code == 409
    assert over.json()["error"] == "recovery_over_balance"
    assert over.json()["params"] == {"outstanding_cents": 100, "amount_cents": 101}
    case = client.get(f"{BASE}/{case_id}", headers=headers).json()
    assert (case["repaid_cents"], case["outstanding_cents"], len(case["repayments"])) == (BIG - 100, 100, 1)


def test_dates_in_the_future_and_missing_agreements_are_refused(client, session, make_person, reviewer):
    headers, _ = reviewer
    case_id = make_case(session, make_person, state="notified")
    tomorrow = (agency_today() + timedelta(days=2)).isoformat()
    assert pay(client, headers, case_id, 100, on=tomorrow).json()["error"] == "recovery_date_in_future"
    assert step(client, headers, case_id, "refused", on=tomorrow).json()["error"] == "recovery_date_in_future"
    assert step(client, headers, case_id, "agreed").json()["error"] == "recovery_agreement_missing"
    wrong = step(client, headers, case_id, "refused", agreement="instalments")
    assert wrong.json()["error"] == "recovery_agreement_unexpected"
    assert step(client, headers, case_id, "agreed", agreement="later").status_code == 422
    assert step(client, headers, case_id, "nowhere").status_code == 422
    assert step(client, headers, case_id, "refused", note="no").status_code == 422  # note too short
    case = client.get(f"{BASE}/{case_id}", headers=headers).json()
    assert (case["state"], case["steps"], case["repayments"]) == ("notified", [], [])


def test_the_list_filters_by_state(client, session, make_person, reviewer):
    headers, _ = reviewer
    a = make_case(session, make_person, state="open")
    b = make_case(session, make_person, state="refused")
    assert pay(client, headers, b, 1_000).status_code == 201
    every = {c["id"]: c for c in client.get(BASE, headers=headers).json()}
    assert {a, b} <= set(every)
    assert every[b]["outstanding_cents"] == BIG - 1_000 and every[b]["holder_name"] != "追缴测"
    refused = [c["id"] for c in client.get(BASE, headers=headers, params={"state": "refused"}).json()]
    assert b in refused and a not in refused
    assert client.get(BASE, headers=headers, params={"state": "lost"}).status_code == 422


def test_coordinators_may_not_touch_recovery(client, session, make_person, make_staff):
    headers = make_staff(StaffRole.COORDINATOR)
    case_id = make_case(session, make_person)
    assert client.get(BASE, headers=headers).status_code == 403
    assert step(client, headers, case_id, "notified").status_code == 403


def test_staff_of_another_county_see_nothing_of_the_case(client, session, make_person, make_staff):
    case_id = make_case(session, make_person, region_code=VILLAGE, state="refused")
    own = make_staff(StaffRole.REVIEWER, region_code="110101")
    other = make_staff(StaffRole.REVIEWER, region_code="110102")
    unknown = client.get(f"{BASE}/99999999", headers=other)
    for resp in (
        client.get(f"{BASE}/{case_id}", headers=other),
        step(client, other, case_id, "credit_listed"),
        pay(client, other, case_id, 100),
    ):
        assert (resp.status_code, resp.json()) == (404, unknown.json())
    assert case_id not in [c["id"] for c in client.get(BASE, headers=other).json()]
    assert step(client, other, case_id, "credit_listed").status_code == 404
    assert rows(client.get(f"{BASE}/credit-list.csv", headers=other).text) == []
    assert step(client, own, case_id, "credit_listed").status_code == 200
    assert case_id in [c["id"] for c in client.get(BASE, headers=own).json()]
    assert [r["case_id"] for r in rows(client.get(f"{BASE}/credit-list.csv", headers=own).text)] == [
        str(case_id)
    ]
    assert rows(client.get(f"{BASE}/credit-list.csv", headers=other).text) == []
