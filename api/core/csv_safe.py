"""The one CSV writer of the service: cells a spreadsheet would run as a formula are escaped.

A clerk opens our CSV files (roster error reports, feed error reports, statistics, disclosure lists) in
Excel or WPS. A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken
as a formula there (``=HYPERLINK(...)``, ``@SUM(...)``, DDE payloads): an attacker who controls a roster
or feed value would run it on the clerk's machine. Such cells get a leading apostrophe (OWASP's advice),
which the spreadsheet shows as text. Numbers are written as they are (a negative amount stays a number).

Every CSV the project writes goes through :func:`writer` (``tests/api/test_csv_safe.py`` checks that no
other module calls ``csv.writer`` or ``csv.DictWriter``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """``value`` as it may be written to a CSV cell: text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    __slots__ = ("_writer",)

    def __init__(self, f: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(f, **fmtparams)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(f: _Writable, **fmtparams: Any) -> SafeWriter:
    return SafeWriter(f, **fmtparams)
