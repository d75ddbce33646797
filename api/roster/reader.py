"""Read a roster file (CSV or XLSX) as rows: spreadsheet row number, header → text, and the values found
beyond the named columns (a row with any is refused by the import, never silently cut).

XLSX sheets are read without trusting their ``<dimension>`` element (openpyxl's read-only mode would stop
at the declared last row: a file declaring ``A1:F1`` imported "0 rows" and exited 0)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class RosterFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, undecodable)."""


@dataclass(frozen=True, slots=True)
class RosterLine:
    row: int  # as the clerk sees it — the header is row 1
    values: dict[str, str]  # by lower-cased header
    extra: tuple[str, ...]  # non-empty values beyond the last named column or under an unnamed one


def _line(rownum: int, header: tuple[str, ...], texts: list[str]) -> RosterLine:
    named = len(header)
    extra = [t for t in texts[named:] if t.strip()]
    extra += [t for h, t in zip(header, texts, strict=False) if not h and t.strip()]
    if len(texts) < named:
        texts = texts + [""] * (named - len(texts))
    values = {h: t for h, t in zip(header, texts, strict=False) if h}
    return RosterLine(rownum, values, tuple(extra))


@dataclass(frozen=True, slots=True)
class RosterFile:
    path: Path
    header: tuple[str, ...]
    total_rows: int  # data rows: an estimate (CSV: quoted newlines; XLSX: the declared dimension)

    def rows(self) -> Iterator[RosterLine]:
        """Every non-blank data row, in file order."""
        if self.path.suffix.lower() == ".xlsx":
            yield from _xlsx_rows(self.path, self.header)
        else:
            yield from _csv_rows(self.path, self.header)


def normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def open_roster(path: Path) -> RosterFile:
    if not path.is_file():
        raise RosterFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        header, total = _xlsx_header(path)
    elif suffix in (".csv", ".txt"):
        header, total = _csv_header(path)
    else:
        raise RosterFileError(f"{path.name}: a roster must be a .csv or .xlsx file")
    if not any(header):
        raise RosterFileError(f"{path.name}: the first row must name the columns")
    return RosterFile(path, header, total)


def _csv_header(path: Path) -> tuple[tuple[str, ...], int]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            first = next(csv.reader(f), [])
    except csv.Error as exc:
        raise RosterFileError(f"{path.name}: the first row cannot be read as CSV ({exc})") from None
    except UnicodeDecodeError:
        raise RosterFileError(
            f"{path.name}: not UTF-8 text; in Excel use 'Save as → CSV UTF-8 (comma delimited)'"
        ) from None
    with path.open("rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return tuple(normalise_header(h) for h in first), max(0, lines - 1)


def _csv_rows(path: Path, header: tuple[str, ...]) -> Iterator[RosterLine]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        try:
            for values in reader:
                rownum = reader.line_num
                if not any(v.strip() for v in values):
                    continue  # blank line (or only separators)
                yield _line(rownum, header, values)
        except UnicodeDecodeError:
            raise RosterFileError(
                f"{path.name}: not UTF-8 text after row {reader.line_num}; save the file as CSV UTF-8"
            ) from None
        except csv.Error as exc:
            raise RosterFileError(
                f"{path.name}: row {reader.line_num} cannot be read as CSV ({exc}); "
                "check that row in a text editor"
            ) from None


def _xlsx_header(path: Path) -> tuple[tuple[str, ...], int]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise RosterFileError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        total = max(0, (ws.max_row or 1) - 1)  # declared: only an estimate for the progress bar
        ws.reset_dimensions()  # the header row is read as it is, whatever <dimension> says
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    finally:
        wb.close()
    return tuple(normalise_header(h) for h in first), total


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as floats: 3125.5 → "3125.5"; an ID number typed as a number has lost
        # digits beyond 15 — the validator refuses it with a message to format the column as text.
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _xlsx_rows(path: Path, header: tuple[str, ...]) -> Iterator[RosterLine]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        # Read every row and cell the sheet holds, not the range its <dimension> element claims.
        ws.reset_dimensions()
        for cells in ws.iter_rows(min_row=2):
            texts = [_cell_text(c.value) for c in cells]  # gaps come as empty cells: positions hold
            if not any(t.strip() for t in texts):
                continue
            rownum = next(c.row for c in cells if getattr(c, "row", None) is not None)
            yield _line(rownum, header, texts)
    finally:
        wb.close()
