"""Roster import: every row validated, all-or-nothing, error report, photos, audit — on both backends."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Beneficiary, Entitlement, ReferenceFace
from api.cli import main as cli_main
from api.roster.report import write_error_report
from api.roster.service import import_roster
from shared.idnumber import make_id_number
from shared.months import YearMonth
from tests.api.factories import ensure_regions

HEADER = [
    "id_number",
    "name",
    "region_code",
    "benefit_type",
    "monthly_amount",
    "phone",
    "residence_kind",
    "country",
    "time_zone",
    "payment_state",
    "suspended_since",
    "entitled_since",
]
_seq = iter(range(100, 1000))


def new_id(birth: date = date(1952, 4, 1)) -> str:
    return make_id_number("110101", birth, next(_seq))


def row(**kw: str) -> dict[str, str]:
    base = {
        "id_number": new_id(),
        "name": "张三",
        "region_code": "110101",
        "benefit_type": "enterprise_pension",
        "monthly_amount": "3125.50",
    }
    base.update(kw)
    return base


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})
    return path


@pytest.fixture(scope="module", autouse=True)
def regions(module_engine) -> None:
    from api.core.db import make_sessionmaker

    with make_sessionmaker(module_engine)() as s:
        ensure_regions(s)
        s.commit()


def count(session, model) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_good_file_imports_people_entitlements_and_one_audit_event(engine, session, tmp_path) -> None:
    overseas = row(
        name="John Smith",
        residence_kind="overseas",
        country="us",
        time_zone="America/New_York",
        phone="+1 415 555 0100",
    )
    two = new_id(date(1950, 2, 28))
    rows = [
        row(phone="138 0013 8000"),
        row(monthly_amount="1,200", payment_state="suspended", suspended_since="2026-01"),
        overseas,
        row(id_number=two, name="李四", benefit_type="enterprise_pension", entitled_since="2010-05-01"),
        row(id_number=two, name="李四", benefit_type="work_injury", monthly_amount="800.05"),
    ]
    path = write_csv(tmp_path / "roster.csv", rows)
    people_before, events_before = count(session, Beneficiary), count(session, AuditEvent)
    report = import_roster(engine, path)
    assert report.ok and report.imported, report.errors
    assert (report.rows, report.beneficiaries, report.entitlements) == (5, 4, 5)
    session.expire_all()
    assert count(session, Beneficiary) == people_before + 4
    li = session.execute(sa.select(Beneficiary).where(Beneficiary.id_number == two)).scalar_one()
    assert li.birth_date == date(1950, 2, 28) and li.sex in ("male", "female")
    ents = {
        e.benefit_type.value: e
        for e in session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == li.id)).scalars()
    }
    assert ents["work_injury"].monthly_cents == 80005
    assert ents["enterprise_pension"].entitled_since == date(2010, 5, 1)
    js = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == overseas["id_number"])
    ).scalar_one()
    assert (js.residence_kind.value, js.country, js.time_zone, js.phone) == (
        "overseas",
        "US",
        "America/New_York",
        "+14155550100",
    )
    assert js.created_at.tzinfo is not None
    assert count(session, AuditEvent) == events_before + 1
    ev = session.execute(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert ev.action == "roster.import" and ev.after["beneficiaries"] == 4 and len(ev.after["sha256"]) == 64
    assert verify_chain(session).ok


def test_any_bad_row_imports_nothing_and_reports_every_problem(engine, session, tmp_path) -> None:
    good = row()
    dup = row()
    bad_check = new_id()
    bad_check = bad_check[:-1] + ("1" if bad_check[-1] != "1" else "2")
    rows = [
        good,  # row 2: fine
        row(id_number=bad_check),  # 3: check digit
        dup,  # 4
        dict(dup),  # 5: duplicate of row 4
        row(region_code="999999"),  # 6: unknown region
        row(monthly_amount="0"),  # 7: impossible amount
        row(monthly_amount="99999999"),  # 8: absurd amount
        row(monthly_amount="12.345"),  # 9: too many decimals
        row(benefit_type="pension"),  # 10: unknown benefit
        row(phone="12345"),  # 11: bad phone
        row(payment_state="suspended"),  # 12: month missing
        row(suspended_since="2026-13"),  # 13: month without suspension
        row(residence_kind="overseas"),  # 14: country + tz missing
        row(entitled_since="2020-02-30"),  # 15: bad date
        row(id_number="1.10101E+17"),  # 16: Excel-mangled ID
        row(name=""),  # 17: empty name
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = count(session, Beneficiary), count(session, Entitlement), count(session, AuditEvent)
    report = import_roster(engine, path)
    assert not report.imported
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e.row, set()).add(e.column)
    assert 2 not in by_row
    assert by_row[3] == {"id_number"} and by_row[5] == {"id_number"} and by_row[6] == {"region_code"}
    assert by_row[7] == by_row[8] == by_row[9] == {"monthly_amount"}
    assert by_row[10] == {"benefit_type"} and by_row[11] == {"phone"} and by_row[12] == {"suspended_since"}
    assert by_row[13] == {"suspended_since"} and by_row[14] == {"country", "time_zone"}
    assert by_row[15] == {"entitled_since"} and by_row[16] == {"id_number"} and by_row[17] == {"name"}
    assert "row 4" in next(e.message for e in report.errors if e.row == 5)
    session.expire_all()
    assert (count(session, Beneficiary), count(session, Entitlement), count(session, AuditEvent)) == before

    out = tmp_path / "bad.errors.csv"
    n = write_error_report(report.errors, out)
    lines = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert lines[0] == ["row", "column", "value", "message"] and len(lines) == n + 1
    assert lines[[r[0] for r in lines].index("6")][:3] == ["6", "region_code", "999999"]


def test_people_already_on_the_roll_are_refused(engine, session, tmp_path) -> None:
    first = write_csv(tmp_path / "a.csv", [row(), row()])
    assert import_roster(engine, first).imported
    again = write_csv(tmp_path / "b.csv", [row(), *list(csv.DictReader(first.open()))[:1]])
    report = import_roster(engine, again)
    assert not report.imported
    assert [(e.row, e.column) for e in report.errors] == [(3, "id_number")]
    assert "already on the roll" in report.errors[0].message


def test_dry_run_validates_and_writes_nothing(engine, session, tmp_path) -> None:
    path = write_csv(tmp_path / "dry.csv", [row(), row()])
    before = count(session, Beneficiary)
    report = import_roster(engine, path, dry_run=True)
    assert report.ok and not report.imported and report.beneficiaries == 2
    session.expire_all()
    assert count(session, Beneficiary) == before


def test_header_problems_are_reported_before_reading_rows(engine, tmp_path) -> None:
    path = write_csv(tmp_path / "h.csv", [row()], header=["id_number", "name", "benefit_type", "amount"])
    report = import_roster(engine, path)
    cols = {e.column for e in report.errors}
    assert {"region_code", "monthly_amount", "amount"} <= cols and all(e.row == 1 for e in report.errors)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 80), (180, 150, 120)).save(buf, "JPEG")
    return buf.getvalue()


def test_photos_named_by_id_number_are_stored(engine, session, tmp_path) -> None:
    a, b = row(), row()
    path = write_csv(tmp_path / "p.csv", [a, b])
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / f"{a['id_number']}.jpg").write_bytes(_jpeg())
    report = import_roster(engine, path, photos_dir=photos)
    assert report.imported and report.photos == 1 and report.templates == 0
    session.expire_all()
    person = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == a["id_number"])
    ).scalar_one()
    ref = session.execute(
        sa.select(ReferenceFace).where(ReferenceFace.beneficiary_id == person.id)
    ).scalar_one()
    assert ref.photo == _jpeg() and ref.template is None and ref.source.value == "id_photo"


def test_bad_photos_fail_the_import(engine, session, tmp_path) -> None:
    a = row()
    path = write_csv(tmp_path / "q.csv", [a])
    photos = tmp_path / "photos2"
    photos.mkdir()
    (photos / f"{a['id_number']}.jpg").write_bytes(b"not an image at all")
    (photos / f"{new_id()}.jpg").write_bytes(_jpeg())  # nobody in the file
    (photos / "somebody.png").write_bytes(_jpeg())
    report = import_roster(engine, path, photos_dir=photos)
    assert not report.imported and len(report.errors) == 3
    assert {e.column for e in report.errors} == {"photo"}
    session.expire_all()
    assert (
        session.execute(sa.select(Beneficiary).where(Beneficiary.id_number == a["id_number"])).first() is None
    )


def test_xlsx_roster_is_read_like_csv(engine, session, tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ID_Number", "Name", "Region_Code", "Benefit_Type", "Monthly_Amount"])
    good = row()
    ws.append([good["id_number"], "王五", "110101", "survivor", 1500.5])
    ws.append([110101195001011234, "赵六", "110101", "survivor", 1500])  # ID typed as a number
    path = tmp_path / "r.xlsx"
    wb.save(path)
    report = import_roster(engine, path)
    assert not report.imported and [(e.row, e.column) for e in report.errors] == [(3, "id_number")]
    ws.delete_rows(3)
    wb.save(path)
    report = import_roster(engine, path)
    assert report.imported and report.entitlements == 1
    session.expire_all()
    ent = session.execute(
        sa.select(Entitlement).join(Beneficiary).where(Beneficiary.id_number == good["id_number"])
    ).scalar_one()
    assert ent.monthly_cents == 150050


def test_cli_writes_the_error_report_and_exits_nonzero(db_url, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LIFECERT_DATABASE_URL", db_url)
    path = write_csv(tmp_path / "c.csv", [row(), row(region_code="000000")])
    assert cli_main(["roster", "import", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "NOTHING was imported" in err and "c.errors.csv" in err
    assert (tmp_path / "c.errors.csv").exists()
    ok = write_csv(tmp_path / "d.csv", [row()])
    assert cli_main(["roster", "import", str(ok), "--quiet"]) == 0
    assert "1 people" in capsys.readouterr().out


def test_photos_without_template_are_found_by_enrol_pending_query(engine, session, tmp_path) -> None:
    a = row()
    path = write_csv(tmp_path / "t.csv", [a])
    photos = tmp_path / "photos3"
    photos.mkdir()
    (photos / f"{a['id_number']}.jpg").write_bytes(_jpeg())
    assert import_roster(engine, path, photos_dir=photos).imported
    session.expire_all()
    pending = session.execute(
        sa.select(ReferenceFace.id)
        .join(Beneficiary, Beneficiary.id == ReferenceFace.beneficiary_id)
        .where(Beneficiary.id_number == a["id_number"], ReferenceFace.template.is_(None))
    ).all()
    assert len(pending) == 1  # a SQL NULL, not the JSON text 'null'


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00\x00garbage",  # not UTF-8
        b"id_number,name\n\x00\x00\x00,x\n",  # NUL bytes
        "id_number,name,region_code,benefit_type,monthly_amount\n1,2,3,4,5\n".encode("gbk")
        + "张三".encode("gbk"),
        b"",  # empty file
    ],
)
def test_unreadable_files_are_refused_with_a_message(engine, tmp_path, content) -> None:
    from api.roster.reader import RosterFileError

    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    try:
        report = import_roster(engine, path)
    except RosterFileError as exc:
        assert str(exc)
    else:
        assert not report.imported and report.errors


def test_wrong_file_type_is_refused(engine, tmp_path) -> None:
    from api.roster.reader import RosterFileError

    path = tmp_path / "roster.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(RosterFileError, match="csv or .xlsx"):
        import_roster(engine, path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RosterFileError, match="xlsx"):
        import_roster(engine, broken)


def test_sqlite_import_page_cache_is_restored_afterwards(db_url, tmp_path) -> None:
    """The import enlarges SQLite's page cache on its connection; the pooled connection gets it back."""
    from api.core.db import is_sqlite, make_engine
    from api.core.progress import quiet
    from api.roster.bulk import IMPORT_CACHE_KIB

    if not is_sqlite(db_url):
        pytest.skip("an SQLite setting")
    engine = make_engine(db_url, poolclass=sa.pool.StaticPool)  # one connection, the import's included
    try:
        with engine.connect() as conn:
            default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        during: list[int] = []

        def progress(total: int, desc: str):
            with engine.connect() as conn:  # the import's own connection, mid-import
                during.append(conn.exec_driver_sql("PRAGMA cache_size").scalar())
            return quiet(total, desc)

        report = import_roster(engine, write_csv(tmp_path / "r.csv", [row(), row()]), progress=progress)
        assert report.imported, report.errors
        assert during == [IMPORT_CACHE_KIB] and default != IMPORT_CACHE_KIB
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default
    finally:
        engine.dispose()


FLAGS = ["severely_disabled", "bedridden", "lives_alone"]


def flags_of(session, id_number: str) -> tuple[bool, bool, bool]:
    person = session.execute(sa.select(Beneficiary).where(Beneficiary.id_number == id_number)).scalar_one()
    return (person.severely_disabled, person.bedridden, person.lives_alone)


def test_special_group_columns_are_read_from_csv_and_default_to_no(engine, session, tmp_path) -> None:
    header = HEADER + FLAGS
    disabled, alone, plain = row(severely_disabled="是"), row(lives_alone="YES", bedridden="1"), row()
    twice = new_id()
    rows = [
        disabled,
        alone,
        plain,
        row(id_number=twice, name="李四", bedridden="y"),
        row(id_number=twice, name="李四", bedridden="true", benefit_type="work_injury"),
    ]
    report = import_roster(engine, write_csv(tmp_path / "flags.csv", rows, header))
    assert report.imported, report.errors
    session.expire_all()
    assert flags_of(session, disabled["id_number"]) == (True, False, False)
    assert flags_of(session, alone["id_number"]) == (False, True, True)
    assert flags_of(session, plain["id_number"]) == (False, False, False)
    assert flags_of(session, twice) == (False, True, False)
    # An old file without the columns imports as before: nobody is in a special group.
    old = row()
    assert import_roster(engine, write_csv(tmp_path / "old.csv", [old])).imported
    session.expire_all()
    assert flags_of(session, old["id_number"]) == (False, False, False)


def test_bad_or_inconsistent_special_group_values_are_reported(engine, session, tmp_path) -> None:
    header = HEADER + FLAGS
    twice = new_id()
    rows = [
        row(bedridden="maybe"),
        row(id_number=twice, name="李四", lives_alone="1"),
        row(id_number=twice, name="李四", lives_alone="0", benefit_type="work_injury"),
    ]
    people_before = count(session, Beneficiary)
    report = import_roster(engine, write_csv(tmp_path / "bad_flags.csv", rows, header))
    assert not report.imported
    assert [(e.row, e.column) for e in report.errors] == [(2, "bedridden"), (4, "id_number")]
    assert "yes or no" in report.errors[0].message and "lives_alone" in report.errors[1].message
    assert count(session, Beneficiary) == people_before


def test_special_group_columns_are_read_from_xlsx(engine, session, tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id_number", "name", "region_code", "benefit_type", "monthly_amount", *FLAGS])
    bedridden, none = row(), row()
    ws.append([bedridden["id_number"], "王五", "110101", "survivor", 1500, False, True, 1])
    ws.append([none["id_number"], "赵六", "110101", "survivor", 1500, None, "否", 0])
    path = tmp_path / "flags.xlsx"
    wb.save(path)
    report = import_roster(engine, path)
    assert report.imported, report.errors
    session.expire_all()
    assert flags_of(session, bedridden["id_number"]) == (False, True, True)
    assert flags_of(session, none["id_number"]) == (False, False, False)


def test_unemployment_benefit_imports_with_its_last_month(engine, session, tmp_path) -> None:
    """Unemployment benefit (004_435b6c8e4ae08301.txt) is paid for a limited period: the roster gives its
    last month (ends_after), required for that type and refused for the others."""
    header = [*HEADER, "ends_after"]
    jobless = new_id(date(1980, 6, 1))
    rows = [
        row(
            id_number=jobless,
            name="周晓明",
            benefit_type="unemployment",
            monthly_amount="1850",
            entitled_since="2026-03-01",
            ends_after="2027-02",
        ),
        row(id_number=jobless, name="周晓明", benefit_type="survivor", monthly_amount="600"),
    ]
    report = import_roster(engine, write_csv(tmp_path / "unemployment.csv", rows, header))
    assert report.ok and report.imported, report.errors
    session.expire_all()
    person = session.execute(sa.select(Beneficiary).where(Beneficiary.id_number == jobless)).scalar_one()
    ends = {
        e.benefit_type.value: e.ends_after
        for e in session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)
        ).scalars()
    }
    assert ends == {"unemployment": YearMonth(2027, 2), "survivor": None}

    bad = [
        row(benefit_type="unemployment"),  # row 2: no last month
        row(benefit_type="unemployment", ends_after="2027/02"),  # row 3: not YYYY-MM
        row(benefit_type="unemployment", entitled_since="2026-05-01", ends_after="2026-04"),  # row 4
        row(ends_after="2027-02"),  # row 5: a pension has no last month
    ]
    people_before = count(session, Beneficiary)
    report = import_roster(engine, write_csv(tmp_path / "bad-unemployment.csv", bad, header))
    assert not report.imported
    assert [(e.row, e.column) for e in report.errors] == [(r, "ends_after") for r in (2, 3, 4, 5)]
    assert count(session, Beneficiary) == people_before
