"""The error report a clerk opens in Excel: one line per problem (row, column, value, message)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from api.core import csv_safe
from api.roster.rows import RowError

REPORT_HEADER = ("row", "column", "value", "message")


def default_report_path(roster: Path) -> Path:
    return roster.with_name(roster.stem + ".errors.csv")


def write_error_report(errors: Iterable[RowError], path: Path) -> int:
    """Write the report (UTF-8 with BOM so Excel shows Chinese correctly); returns the number of lines."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv_safe.writer(f)
        w.writerow(REPORT_HEADER)
        for e in sorted(errors, key=lambda e: (e.row, e.column)):
            w.writerow((e.row or "", e.column, e.value, e.message))
            n += 1
    return n
