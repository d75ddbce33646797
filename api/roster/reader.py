"""Read a roster file (CSV or XLSX) as (spreadsheet row number, header → text) pairs."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class RosterFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, undecodable)."""


@dataclass(frozen=True, slots=True)
class RosterFile:
    path: Path
    header: tuple[str, ...]
    total_rows: int  # data rows (an estimate for CSV with quoted newlines)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as the clerk sees it — header is row 1 —, values by lower-cased header)."""
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


def _csv_rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        n = len(header)
        try:
            for values in reader:
                rownum = reader.line_num
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue  # blank line
                if len(values) < n:
                    values = values + [""] * (n - len(values))
                yield rownum, dict(zip(header, values, strict=False))
        except UnicodeDecodeError:
            raise RosterFileError(
                f"{path.name}: not UTF-8 text after row {reader.line_num}; save the file as CSV UTF-8"
            ) from None
        except csv.Error as exc:
            raise RosterFileError(
                f"{path.name}: row {reader.line_num} cannot be read as CSV ({exc}); check that row in a text editor"
            ) from None


def _xlsx_header(path: Path) -> tuple[tuple[str, ...], int]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise RosterFileError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        total = max(0, (ws.max_row or 1) - 1)
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


def _xlsx_rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for rownum, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            texts = [_cell_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            yield rownum, dict(zip(header, texts, strict=False))
    finally:
        wb.close()
