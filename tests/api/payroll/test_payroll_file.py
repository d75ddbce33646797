"""The payroll file on a real database: the file of a month says what the month's real cycle run decided
(suspensions, resumptions with back pay) plus the stops recorded since the last file (a death), with a
trailer whose count and sums match; a change goes into one month's file only; the fixed-width layout reads
back to the same details; the CSV escapes formula cells."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Certification, Entitlement
from api.comparison.models import FeedKind
from api.comparison.service import import_feed
from api.core.region_paths import RegionPaths
from api.cycle_jobs.service import CycleReport, run_month
from api.payroll import csv_file, fixed_width
from api.payroll.rows import PayrollFile, PayrollRow
from shared.enums import CertificationMethod, CertificationResult, PaymentState, StaffRole
from shared.months import YearMonth
from shared.policy import PolicyTable
from tests.api.backoffice.helpers import feed_ctx, write_csv

NOVEMBER = YearMonth(2026, 11)


def _ent(session, person) -> Entitlement:
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    ent.entitled_since = date(2020, 1, 1)
    session.commit()
    return ent


def november(session, make_person, tmp_path) -> tuple[CycleReport, dict[str, Entitlement]]:
    """Overdue, certified after suspension, deceased and fine people; a death feed, then November's run."""
    overdue = make_person(name="钱多多", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
    late = make_person(
        name="冯晓",
        birth=date(1950, 11, 16),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
        certified_on=date(2026, 10, 20),
    )
    dead = make_person(name="孙桂兰", birth=date(1945, 6, 1), certified_on=date(2026, 6, 1))
    fine = make_person(name="卫平", birth=date(1950, 11, 17), certified_on=date(2025, 11, 3))
    ents = {
        k: _ent(session, p) for k, p in [("overdue", overdue), ("late", late), ("dead", dead), ("fine", fine)]
    }
    f = write_csv(
        tmp_path / "death.csv",
        ["id_number", "name", "death_date", "source", "heir_name", "heir_phone"],
        [[dead.id_number, "孙桂兰", "2026-07-10", "cremation", "孙立", "13800000000"]],
    )
    import_feed(session, FeedKind.DEATH, f, ctx=feed_ctx(paid_through=NOVEMBER))
    session.commit()
    report = run_month(
        session, NOVEMBER, policy=PolicyTable(), region_paths=RegionPaths(), actor="staff:test"
    )
    session.commit()
    return report, ents


def test_the_payroll_file_of_a_month_matches_its_monthly_run(
    client, session, make_person, make_staff, tmp_path
) -> None:
    report, ents = november(session, make_person, tmp_path)
    assert report.suspended and report.resumed  # the run decided both kinds
    admin = make_staff(StaffRole.ADMIN)

    got = client.get("/api/v1/backoffice/payroll/2026-11.txt", headers=admin)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/plain; charset=gb18030")
    parsed = fixed_width.parse(got.content)
    rows = parsed.payroll.rows

    suspended = {(r.entitlement_id, r.month) for r in rows if r.action == "SUSP"}
    assert suspended == {(s.entitlement_id, s.from_month) for s in report.suspended}
    resumed = {
        (r.entitlement_id, r.month, r.back_pay_months, r.back_pay_cents) for r in rows if r.action == "RESU"
    }
    assert resumed == {
        (r.entitlement_id, r.resume_month, r.back_pay_months, r.back_pay_cents) for r in report.resumed
    }
    assert {(r.entitlement_id, r.month) for r in rows if r.action == "STOP"} == {(ents["dead"].id, "2026-08")}
    assert ents["fine"].id not in {r.entitlement_id for r in rows}
    assert len(rows) == len(report.suspended) + len(report.resumed) + 1

    back_pay = sum(r.back_pay_cents for r in report.resumed)
    assert back_pay > 0
    trailer = parsed.trailer
    assert (trailer["count"], trailer["back_pay_cents"]) == (len(rows), back_pay)
    assert (trailer["suspended"], trailer["resumed"], trailer["stopped"]) == (
        len(report.suspended),
        len(report.resumed),
        1,
    )
    assert trailer["monthly_cents"] == sum(r.monthly_cents for r in rows)

    # The CSV says the same, its TOTAL row the same sums.
    as_csv = client.get("/api/v1/backoffice/payroll/2026-11.csv", headers=admin)
    assert as_csv.status_code == 200, as_csv.text
    table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert table[0] == csv_file.COLUMNS
    body, total = table[1:-1], table[-1]
    assert [(int(c[1]), c[2], int(c[3]), c[7], int(c[10])) for c in body] == [
        (r.ref, r.action, r.entitlement_id, r.month, r.back_pay_cents) for r in rows
    ]
    assert (total[0], int(total[1]), int(total[10])) == ("TOTAL", len(rows), back_pay)

    exports = session.execute(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "payroll.export")
    ).scalar_one()
    assert exports == 2


def test_a_change_goes_into_one_month_only(client, session, make_person, make_staff, tmp_path) -> None:
    _, ents = november(session, make_person, tmp_path)
    overdue = ents["overdue"]
    session.add(  # the person suspended in November certifies late in November: December resumes them
        Certification(
            beneficiary_id=overdue.beneficiary_id,
            window_start=date(2026, 11, 1),
            window_end=date(2026, 11, 20),
            method=CertificationMethod.SELF_FACE,
            operator_kind="self",
            result=CertificationResult.PASSED,
            evidence=[],
            certified_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
            local_date=date(2026, 11, 20),
        )
    )
    session.commit()
    admin = make_staff(StaffRole.ADMIN)
    run_month(session, YearMonth(2026, 12), policy=PolicyTable(), region_paths=RegionPaths(), actor="staff:t")
    session.commit()
    december = fixed_width.parse(client.get("/api/v1/backoffice/payroll/2026-12.txt", headers=admin).content)
    november_rows = fixed_width.parse(
        client.get("/api/v1/backoffice/payroll/2026-11.txt", headers=admin).content
    ).payroll.rows
    assert [(r.action, r.entitlement_id) for r in december.payroll.rows] == [("RESU", overdue.id)]
    assert ("SUSP", overdue.id) in [(r.action, r.entitlement_id) for r in november_rows]
    assert not {r.ref for r in december.payroll.rows} & {r.ref for r in november_rows}
    assert december.trailer["count"] == 1


def test_no_file_before_the_months_run(client, make_staff) -> None:
    resp = client.get("/api/v1/backoffice/payroll/2031-01.csv", headers=make_staff(StaffRole.ADMIN))
    assert resp.status_code == 409
    assert resp.json()["error"] == "payroll_month_not_run"
    assert resp.json()["params"] == {"month": "2031-01"}


@pytest.mark.parametrize("role", [StaffRole.COORDINATOR, StaffRole.REVIEWER])
def test_only_admins_export(client, make_staff, role) -> None:
    assert client.get("/api/v1/backoffice/payroll/2026-11.csv", headers=make_staff(role)).status_code == 403


def _sample() -> PayrollFile:
    rows = [
        PayrollRow(
            7, "SUSP", 1, "11010119501115001X", "钱多多", "enterprise_pension", "2026-11", 312_550, 0, 0
        ),
        PayrollRow(9, "RESU", 22, "110101195011160021", "𠮷野家", "survivor", "2026-11", 100, 2, 625_100),
        PayrollRow(12, "STOP", 333, "110101194506010030", "=HYPERLINK(1)", "work_injury", "2026-08", 5, 0, 0),
    ]
    return PayrollFile("2026-11", "110101", datetime(2026, 11, 30, 9, 15, 7, tzinfo=UTC), rows)


def test_fixed_width_reads_back_to_the_same_details() -> None:
    sample = _sample()
    data = fixed_width.write(sample)
    records = data.split(b"\r\n")[:-1]
    assert [len(r) for r in records] == [fixed_width.RECORD] * 5
    assert records[2][63:123].decode("gb18030").rstrip() == "𠮷野家"  # a four-byte GB18030 character
    back = fixed_width.parse(data)
    assert back.payroll == sample
    assert (back.trailer["count"], back.trailer["back_pay_cents"]) == (3, 625_100)


def test_fixed_width_refuses_a_wrong_trailer_or_record_length() -> None:
    data = bytearray(fixed_width.write(_sample()))
    broken = bytes(data).replace(b"T00000003", b"T00000004")
    with pytest.raises(fixed_width.LayoutError) as exc:
        fixed_width.parse(broken)
    assert exc.value.line == 5
    with pytest.raises(fixed_width.LayoutError) as exc:
        fixed_width.parse(bytes(data).replace(b"\r\nD00000002", b" \r\nD00000002"))
    assert exc.value.line == 2


def test_csv_cells_that_start_a_formula_are_escaped() -> None:
    table = list(csv.reader(io.StringIO(csv_file.write(_sample()).decode("utf-8-sig"))))
    assert table[3][5] == "'=HYPERLINK(1)"


def test_unemployment_stops_go_into_the_payroll_file(
    client, session, make_person, make_staff, tmp_path
) -> None:
    """Both ends of an unemployment benefit are STOP lines: the benefit period ended (the run) and a
    re-employment record (a feed), each with the benefit type and the month it stops from."""
    from shared.enums import BenefitType

    ended = make_person(name="秦期满", birth=date(1980, 4, 4), benefits=(BenefitType.UNEMPLOYMENT,))
    working = make_person(name="秦就业", birth=date(1981, 4, 4), benefits=(BenefitType.UNEMPLOYMENT,))
    ended_ent, working_ent = _ent(session, ended), _ent(session, working)
    ended_ent.ends_after = YearMonth(2026, 10)
    session.commit()
    f = write_csv(
        tmp_path / "reemployment.csv",
        ["id_number", "name", "event_date"],
        [[working.id_number, "秦就业", "2026-10-20"]],
    )
    import_feed(session, FeedKind.REEMPLOYMENT, f, ctx=feed_ctx(paid_through=YearMonth(2026, 10)))
    session.commit()
    run_month(session, NOVEMBER, policy=PolicyTable(), region_paths=RegionPaths(), actor="staff:test")
    session.commit()
    admin = make_staff(StaffRole.ADMIN)
    rows = fixed_width.parse(client.get("/api/v1/backoffice/payroll/2026-11.txt", headers=admin).content)
    stops = {(r.entitlement_id, r.benefit_type, r.month) for r in rows.payroll.rows if r.action == "STOP"}
    assert {(ended_ent.id, "unemployment", "2026-11"), (working_ent.id, "unemployment", "2026-11")} <= stops
