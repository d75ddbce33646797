"""Importing the bank's return file on a real database: failed payments become open cases (audited), the
same file imported again adds nothing, a malformed or unknown line refuses the whole file with its line
number, staff see only their region's details and failures, and a clerk resolves a case."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Entitlement
from api.core.region_paths import RegionPaths
from api.cycle_jobs.service import run_month
from api.payroll import fixed_width
from api.payroll.models import PaymentFailure
from api.payroll.router import MAX_RETURN_BYTES
from shared.enums import PaymentState, StaffRole
from shared.months import YearMonth
from shared.policy import PolicyTable

URL = "/api/v1/backoffice/payroll"
VILLAGE, OTHER_COUNTY = "110101001001", "110102001001"


def _resumed(make_person, session, name: str, region: str) -> None:
    person = make_person(
        name=name,
        birth=date(1950, 11, 16),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
        certified_on=date(2026, 10, 20),
        region_code=region,
    )
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    ent.entitled_since = date(2020, 1, 1)
    session.commit()


@pytest.fixture
def month(session, make_person):
    """November run: two people of the village and one of another county resumed with back pay."""
    for name in ("冯晓", "褚丽"):
        _resumed(make_person, session, name, VILLAGE)
    _resumed(make_person, session, "卫平", OTHER_COUNTY)
    run_month(session, YearMonth(2026, 11), policy=PolicyTable(), region_paths=RegionPaths(), actor="staff:t")
    session.commit()


def _rows(client, headers):
    resp = client.get(f"{URL}/2026-11.txt", headers=headers)
    assert resp.status_code == 200, resp.text
    return fixed_width.parse(resp.content).payroll.rows


def fixed(ref: int, id_number: str, status: str, reason: str = "") -> bytes:
    return (
        b"R" + str(ref).zfill(20).encode() + id_number.encode() + status.encode() + reason.ljust(8).encode()
    )


def _post(client, headers, data: bytes, name: str = "return.txt"):
    return client.post(f"{URL}/2026-11/return", headers=headers, files={"file": (name, data, "text/plain")})


def _failures(session) -> list[tuple[int, str, str]]:
    return [
        tuple(row)
        for row in session.execute(
            sa.select(PaymentFailure.ref, PaymentFailure.reason_code, PaymentFailure.state).order_by(
                PaymentFailure.ref
            )
        )
    ]


def _events(session, action: str) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).scalar_one()


def test_failures_open_cases_once(client, session, make_staff, month) -> None:
    admin = make_staff(StaffRole.ADMIN)
    rows = _rows(client, admin)
    assert len(rows) == 3
    paid, failed = rows[0], rows[1]
    data = (
        fixed(paid.ref, paid.id_number, "P") + b"\r\n" + fixed(failed.ref, failed.id_number, "F", "ACCTCLSD")
    )
    first = _post(client, admin, data + b"\r\n")
    assert first.status_code == 200, first.text
    assert first.json() == {"month": "2026-11", "lines": 2, "paid": 1, "failed": 1, "new_failures": 1}
    assert _failures(session) == [(failed.ref, "ACCTCLSD", "open")]
    assert _events(session, "payment_failure.open") == 1

    again = _post(client, admin, data + b"\r\n")
    assert again.status_code == 200, again.text
    assert again.json()["new_failures"] == 0
    session.expire_all()
    assert _failures(session) == [(failed.ref, "ACCTCLSD", "open")]
    assert _events(session, "payment_failure.open") == 1

    listed = client.get(f"{URL}/failures", headers=admin).json()
    assert [(f["ref"], f["action"], f["amount_cents"], f["reason_code"]) for f in listed] == [
        (failed.ref, "RESU", failed.back_pay_cents, "ACCTCLSD")
    ]
    assert failed.id_number not in str(listed)  # masked

    case = listed[0]["id"]
    done = client.post(f"{URL}/failures/{case}/resolve", headers=admin, json={"reason": "account reopened"})
    assert done.status_code == 200 and done.json()["state"] == "resolved"
    twice = client.post(f"{URL}/failures/{case}/resolve", headers=admin, json={"reason": "account reopened"})
    assert twice.status_code == 409 and twice.json()["error"] == "payment_failure_resolved"
    assert client.get(f"{URL}/failures", headers=admin).json() == []
    assert [f["id"] for f in client.get(f"{URL}/failures?state=resolved", headers=admin).json()] == [case]
    bad = client.get(f"{URL}/failures?state=closed", headers=admin)
    assert bad.status_code == 422 and "error" in bad.json()
    assert _events(session, "payment_failure.resolve") == 1


def test_the_csv_form_is_read_too(client, session, make_staff, month) -> None:
    admin = make_staff(StaffRole.ADMIN)
    row = _rows(client, admin)[2]
    data = f"ref,id_number,status,reason\r\n{row.ref},{row.id_number},failed,NOACCT\r\n".encode()
    resp = _post(client, admin, b"\xef\xbb\xbf" + data, "return.csv")
    assert resp.status_code == 200, resp.text
    assert _failures(session) == [(row.ref, "NOACCT", "open")]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (b"R123", "payroll_return_line_invalid"),  # too short
        (None, "payroll_return_line_invalid"),  # failed without a reason code
        (b"unknown", "payroll_return_unknown_ref"),  # a reference not in this month's file
    ],
)
def test_a_bad_line_refuses_the_whole_file_with_its_number(
    client, session, make_staff, month, bad, code
) -> None:
    admin = make_staff(StaffRole.ADMIN)
    rows = _rows(client, admin)
    good = fixed(rows[0].ref, rows[0].id_number, "F", "ACCTCLSD")
    if bad is None:
        bad = fixed(rows[1].ref, rows[1].id_number, "F", "")
    elif bad == b"unknown":
        bad = fixed(999_999_999, rows[1].id_number, "F", "ACCTCLSD")
    resp = _post(client, admin, good + b"\n" + fixed(rows[2].ref, rows[2].id_number, "P") + b"\n" + bad)
    assert resp.status_code == 422, resp.text
    assert (resp.json()["error"], resp.json()["params"]) == (code, {"line": 3})
    assert _failures(session) == []  # the good failed line before it was not written either
    assert _events(session, "payment_failure.open") == 0


def test_a_too_large_file_is_refused(client, make_staff, month) -> None:
    resp = _post(client, make_staff(StaffRole.ADMIN), b"R" * (MAX_RETURN_BYTES + 1))
    assert resp.status_code == 413
    assert resp.json()["params"] == {"max_bytes": MAX_RETURN_BYTES}


def test_regional_staff_see_and_answer_only_their_people(client, session, make_staff, month) -> None:
    national = _rows(client, make_staff(StaffRole.ADMIN))
    county = make_staff(StaffRole.ADMIN, region_code="110101")
    mine = _rows(client, county)
    assert len(mine) == 2 and len(national) == 3
    outsider = next(r for r in national if r.ref not in {m.ref for m in mine})
    resp = _post(client, county, fixed(outsider.ref, outsider.id_number, "F", "ACCTCLSD"))
    assert resp.status_code == 422 and resp.json()["error"] == "payroll_return_unknown_ref"

    other = make_staff(StaffRole.ADMIN, region_code="110102")
    assert _post(client, other, fixed(outsider.ref, outsider.id_number, "F", "ACCTCLSD")).status_code == 200
    assert [f["ref"] for f in client.get(f"{URL}/failures", headers=other).json()] == [outsider.ref]
    assert client.get(f"{URL}/failures", headers=county).json() == []
