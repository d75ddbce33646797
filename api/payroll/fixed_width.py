"""The fixed-width payroll file (docs/payroll-file.md): GB18030, 200 bytes a record, CRLF after each.

Positions and widths count bytes. Numbers are right-aligned and zero-padded, text is left-aligned and
space-padded; a name longer than its field is cut at a whole character. :func:`write` makes the file,
:func:`parse` reads it back (and checks the trailer), as the bank's side would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from api.payroll.rows import PayrollFile, PayrollRow
from shared.enums import PayrollAction

ENCODING = "gb18030"
RECORD = 200
EOL = b"\r\n"
FILE_TYPE = "LCPAYROLL"
VERSION = "01"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    start: int  # 1-based byte position
    width: int
    numeric: bool = False


HEADER = (
    Field("type", 1, 1),
    Field("file_type", 2, 9),
    Field("version", 11, 2),
    Field("month", 13, 6),
    Field("created_at", 19, 14),
    Field("region_code", 33, 12),
)
DETAIL = (
    Field("type", 1, 1),
    Field("seq", 2, 8, True),
    Field("ref", 10, 20, True),
    Field("action", 30, 4),
    Field("entitlement_id", 34, 12, True),
    Field("id_number", 46, 18),
    Field("name", 64, 60),
    Field("benefit_type", 124, 24),
    Field("month", 148, 6),
    Field("monthly_cents", 154, 12, True),
    Field("back_pay_months", 166, 3, True),
    Field("back_pay_cents", 169, 15, True),
)
TRAILER = (
    Field("type", 1, 1),
    Field("count", 2, 8, True),
    Field("back_pay_cents", 10, 15, True),
    Field("monthly_cents", 25, 15, True),
    Field("suspended", 40, 8, True),
    Field("resumed", 48, 8, True),
    Field("stopped", 56, 8, True),
)


class LayoutError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _cell(field: Field, value: object) -> bytes:
    if field.numeric:
        text = str(int(value))  # type: ignore[call-overload]
        if len(text) > field.width or int(value) < 0:  # type: ignore[call-overload]
            raise ValueError(f"{field.name} {value} does not fit {field.width} digits")
        return text.rjust(field.width, "0").encode("ascii")
    out = b""
    for char in str(value):  # cut at a whole character
        piece = char.encode(ENCODING)
        if len(out) + len(piece) > field.width:
            break
        out += piece
    return out.ljust(field.width, b" ")


def _record(fields: tuple[Field, ...], values: dict[str, object]) -> bytes:
    line = bytearray(b" " * RECORD)
    for field in fields:
        line[field.start - 1 : field.start - 1 + field.width] = _cell(field, values[field.name])
    return bytes(line) + EOL


def _yyyymm(month: str) -> str:
    return month.replace("-", "")


def write(payroll: PayrollFile) -> bytes:
    created = payroll.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    parts = [
        _record(
            HEADER,
            {
                "type": "H",
                "file_type": FILE_TYPE,
                "version": VERSION,
                "month": _yyyymm(payroll.month),
                "created_at": created,
                "region_code": payroll.region_code or "",
            },
        )
    ]
    for seq, row in enumerate(payroll.rows, start=1):
        parts.append(
            _record(
                DETAIL,
                {
                    "type": "D",
                    "seq": seq,
                    "ref": row.ref,
                    "action": row.action,
                    "entitlement_id": row.entitlement_id,
                    "id_number": row.id_number,
                    "name": row.name,
                    "benefit_type": row.benefit_type,
                    "month": _yyyymm(row.month),
                    "monthly_cents": row.monthly_cents,
                    "back_pay_months": row.back_pay_months,
                    "back_pay_cents": row.back_pay_cents,
                },
            )
        )
    parts.append(
        _record(
            TRAILER,
            {
                "type": "T",
                "count": len(payroll.rows),
                "back_pay_cents": payroll.back_pay_cents,
                "monthly_cents": payroll.monthly_cents,
                "suspended": payroll.count(PayrollAction.SUSPEND),
                "resumed": payroll.count(PayrollAction.RESUME),
                "stopped": payroll.count(PayrollAction.STOP),
            },
        )
    )
    return b"".join(parts)


def _read(fields: tuple[Field, ...], record: bytes, line: int) -> dict[str, object]:
    values: dict[str, object] = {}
    for field in fields:
        raw = record[field.start - 1 : field.start - 1 + field.width]
        try:
            text = raw.decode(ENCODING).rstrip(" ")
        except UnicodeDecodeError:
            raise LayoutError(line, f"{field.name} is not {ENCODING} text") from None
        if field.numeric:
            if not (text.isascii() and text.isdigit() and len(text) == field.width):
                raise LayoutError(line, f"{field.name} is not {field.width} digits")
            values[field.name] = int(text)
        else:
            values[field.name] = text
    return values


def _month(yyyymm: object) -> str:
    text = str(yyyymm)
    return f"{text[:4]}-{text[4:]}"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    payroll: PayrollFile
    trailer: dict[str, object]


def parse(data: bytes) -> ParsedFile:
    """Read a file :func:`write` made; :class:`LayoutError` names the first bad line (1-based)."""
    records = data.split(EOL)
    if records and records[-1] == b"":
        records.pop()
    if len(records) < 2:
        raise LayoutError(len(records) + 1, "a file has a header and a trailer record at least")
    for n, record in enumerate(records, start=1):
        if len(record) != RECORD:
            raise LayoutError(n, f"a record is {RECORD} bytes, this one {len(record)}")
    header = _read(HEADER, records[0], 1)
    if header["type"] != "H" or header["file_type"] != FILE_TYPE:
        raise LayoutError(1, "the first record is not a payroll header")
    rows = []
    for n, record in enumerate(records[1:-1], start=2):
        d = _read(DETAIL, record, n)
        if d["type"] != "D":
            raise LayoutError(n, "not a detail record")
        try:
            action = PayrollAction(str(d["action"]))
        except ValueError:
            raise LayoutError(n, f"unknown action {d['action']!r}") from None
        rows.append(
            PayrollRow(
                ref=int(d["ref"]),  # type: ignore[call-overload]
                action=action,
                entitlement_id=int(d["entitlement_id"]),  # type: ignore[call-overload]
                id_number=str(d["id_number"]),
                name=str(d["name"]),
                benefit_type=str(d["benefit_type"]),
                month=_month(d["month"]),
                monthly_cents=int(d["monthly_cents"]),  # type: ignore[call-overload]
                back_pay_months=int(d["back_pay_months"]),  # type: ignore[call-overload]
                back_pay_cents=int(d["back_pay_cents"]),  # type: ignore[call-overload]
            )
        )
    last = len(records)
    trailer = _read(TRAILER, records[-1], last)
    payroll = PayrollFile(
        month=_month(header["month"]),
        region_code=str(header["region_code"]) or None,
        created_at=datetime.strptime(str(header["created_at"]), "%Y%m%d%H%M%S").replace(tzinfo=UTC),
        rows=rows,
    )
    if trailer["type"] != "T":
        raise LayoutError(last, "the last record is not a trailer")
    if trailer["count"] != len(rows) or trailer["back_pay_cents"] != payroll.back_pay_cents:
        raise LayoutError(last, "the trailer's count or sum does not match the details")
    return ParsedFile(payroll, trailer)
