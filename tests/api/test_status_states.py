"""Every state a person can be in, as POST /api/v1/status tells it (SQLite and PostgreSQL): a submission
waiting for review with its expected date and short reference, stopped for good without dates, and no
validity that has already run out."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from api.core.operator import SELF
from api.review.models import ReviewKind
from api.review.service import open_item
from shared.cycle import agency_today
from shared.enums import CertificationMethod, CycleState, PaymentState
from shared.reference import group, new_reference, parse

URL = "/api/v1/status"


def lookup(client, person, name: str) -> dict:
    resp = client.post(URL, json={"id_number": person.id_number, "name": name})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_pending_review_shows_its_dates_and_an_eight_digit_reference(client, session, make_person) -> None:
    person = make_person(name="赵审核")
    assert lookup(client, person, "赵审核")["pending_review"] is None
    expected = agency_today() + timedelta(days=7)
    item = open_item(
        session,
        kind=ReviewKind.OVERSEAS,
        person=person,
        method=CertificationMethod.OVERSEAS_DOCUMENT,
        operator=SELF,
        now=datetime.now(UTC),
        expected_by=expected,
    )
    session.commit()
    assert re.fullmatch(r"[1-9]\d{7}", item.reference or "")
    review = lookup(client, person, "赵审核")["pending_review"]
    assert review == {
        "reference": item.reference,
        "kind": "overseas",
        "submitted_on": review["submitted_on"],
        "expected_by": expected.isoformat(),
    }
    assert abs(date.fromisoformat(review["submitted_on"]) - agency_today()) <= timedelta(days=1)


def test_references_are_unique_per_item(session, make_person) -> None:
    person = make_person(name="钱编号")
    refs = {
        open_item(
            session,
            kind=ReviewKind.FACE,
            person=person,
            method=CertificationMethod.SELF_FACE,
            operator=SELF,
            now=datetime.now(UTC),
        ).reference
        for _ in range(20)
    }
    session.commit()
    assert len(refs) == 20


def test_a_stopped_entitlement_has_no_window_and_no_date_to_certify_by(client, make_person) -> None:
    person = make_person(
        name="孙身故", payment_state=PaymentState.STOPPED, certified_on=agency_today() - timedelta(days=400)
    )
    ent = lookup(client, person, "孙身故")["entitlements"][0]
    assert ent["state"] == CycleState.STOPPED and ent["payment_state"] == "stopped"
    assert ent["next_due"] is ent["window_start"] is ent["window_end"] is ent["valid_until"] is None
    assert ent["days_left"] is None and ent["suspend_from"] is None
    assert ent["last_certified_on"] is not None  # the history stays


def test_a_validity_that_has_run_out_is_not_shown(client, make_person) -> None:
    person = make_person(name="周过期", certified_on=agency_today() - timedelta(days=800))
    ent = lookup(client, person, "周过期")["entitlements"][0]
    assert ent["state"] in (CycleState.DUE, CycleState.OVERDUE)
    assert ent["valid_until"] is None
    fresh = make_person(name="吴有效", certified_on=agency_today() - timedelta(days=2))
    assert lookup(client, fresh, "吴有效")["entitlements"][0]["valid_until"] >= agency_today().isoformat()


def test_reference_grouping_and_parsing() -> None:
    ref = new_reference()
    assert re.fullmatch(r"[1-9]\d{7}", ref)
    assert group("48217730") == "4821 7730" and group("APdFUub8FFTHd-p_") == "APdFUub8FFTHd-p_"
    assert parse(" 4821-7730 ") == "48217730" and parse("4821 773") is None and parse("4821 773x") is None
