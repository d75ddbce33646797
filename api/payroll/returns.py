"""The bank's return file: one line per detail of a payroll file — paid, or failed with the bank's reason
code. Two forms (docs/payroll-file.md):

* fixed-width, ASCII, 48 bytes a line: ``R`` · ref (20 digits) · ID number (18) · ``P``/``F`` · reason (8,
  space-padded; blank when paid);
* CSV with the column names ``ref,id_number,status,reason`` (status ``paid`` or ``failed``).

:func:`parse` checks every line first and raises :class:`ReturnLineError` with the first bad line's number;
:func:`apply` then records the failures as open cases — all in the caller's transaction, so a bad file
writes nothing. A failure already recorded for a reference is left as it is: importing the same file again
changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.payroll.models import PaymentFailure
from api.payroll.rows import PayrollFile
from shared.enums import PaymentFailureState, PayrollAction
from shared.months import YearMonth

REASON = re.compile(r"[A-Z0-9_]{1,8}")
FIXED = re.compile(rb"R(\d{20})([0-9]{17}[0-9X])([PF])([A-Z0-9_ ]{8})")
CSV_HEADER = ["ref", "id_number", "status", "reason"]


class ReturnLineError(ValueError):
    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.code = code


@dataclass(frozen=True, slots=True)
class ReturnLine:
    line: int
    ref: int
    id_number: str
    paid: bool
    reason: str


def _lines(data: bytes) -> list[bytes]:
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = text.replace(b"\r\n", b"\n").split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _parse_fixed(lines: list[bytes]) -> list[ReturnLine]:
    out = []
    for n, raw in enumerate(lines, start=1):
        m = FIXED.fullmatch(raw)
        if m is None:
            raise ReturnLineError(n, "payroll_return_line_invalid", "not a 48-byte return record")
        ref, id_number, status, reason = (g.decode("ascii") for g in m.groups())
        out.append(ReturnLine(n, int(ref), id_number, status == "P", reason.strip()))
    return out


def _parse_csv(lines: list[bytes]) -> list[ReturnLine]:
    try:
        rows = list(csv.reader(io.StringIO(b"\n".join(lines).decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error):
        raise ReturnLineError(1, "payroll_return_line_invalid", "not UTF-8 CSV") from None
    out = []
    for n, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if len(cells) != 4 or not cells[0].isdigit() or len(cells[0]) > 20:
            raise ReturnLineError(n, "payroll_return_line_invalid", "expected ref,id_number,status,reason")
        ref, id_number, status, reason = cells
        if status not in ("paid", "failed") or not re.fullmatch(r"[0-9]{17}[0-9X]", id_number):
            raise ReturnLineError(n, "payroll_return_line_invalid", "bad ID number or status")
        out.append(ReturnLine(n, int(ref), id_number, status == "paid", reason))
    return out


def parse(data: bytes) -> list[ReturnLine]:
    lines = _lines(data)
    if not lines:
        raise ReturnLineError(1, "payroll_return_line_invalid", "the file is empty")
    first = lines[0].lstrip(b"\xef\xbb\xbf").split(b",")
    parsed = (
        _parse_csv(lines)
        if [c.strip().decode("ascii", "replace") for c in first] == CSV_HEADER
        else (_parse_fixed(lines))
    )
    seen: set[int] = set()
    for item in parsed:
        if item.paid and item.reason:
            raise ReturnLineError(
                item.line, "payroll_return_line_invalid", "a paid line carries no reason code"
            )
        if not item.paid and not REASON.fullmatch(item.reason):
            raise ReturnLineError(
                item.line, "payroll_return_line_invalid", "a failed line needs a reason code"
            )
        if item.ref in seen:
            raise ReturnLineError(item.line, "payroll_return_line_invalid", "this reference came before")
        seen.add(item.ref)
    if not parsed:
        raise ReturnLineError(1, "payroll_return_line_invalid", "the file has no lines")
    return parsed


@dataclass(frozen=True, slots=True)
class ImportResult:
    lines: int
    paid: int
    failed: int
    new_failures: int


def apply(
    session: Session, payroll: PayrollFile, lines: list[ReturnLine], *, data: bytes, actor: str
) -> ImportResult:
    """Check every line against ``payroll`` (the month's file as the importer may see it), then record the
    failures not recorded yet. Raises :class:`ReturnLineError` before writing anything."""
    rows = {r.ref: r for r in payroll.rows}
    for item in lines:
        row = rows.get(item.ref)
        if row is None or row.id_number != item.id_number:
            raise ReturnLineError(
                item.line, "payroll_return_unknown_ref", "no such detail in this month's payroll file"
            )
    digest = hashlib.sha256(data).hexdigest()
    failed = [i for i in lines if not i.paid]
    known = set(
        session.execute(
            sa.select(PaymentFailure.ref).where(PaymentFailure.ref.in_([i.ref for i in failed]))
        ).scalars()
    )
    month = YearMonth.parse(payroll.month)
    people = sa.select(Beneficiary.id_number, Beneficiary.region_code).where(
        Beneficiary.id_number.in_([i.id_number for i in failed])
    )
    regions: dict[str, str] = dict(session.execute(people).all())  # type: ignore[arg-type]
    new = 0
    for item in failed:
        if item.ref in known:
            continue
        row = rows[item.ref]
        case = PaymentFailure(
            ref=item.ref,
            month=month,
            entitlement_id=row.entitlement_id,
            action=row.action,
            amount_cents=row.back_pay_cents if row.action is PayrollAction.RESUME else row.monthly_cents,
            reason_code=item.reason,
            state=PaymentFailureState.OPEN,
            file_sha256=digest,
        )
        session.add(case)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="payment_failure.open",
            entity_type="payment_failure",
            entity_id=case.id,
            after={"ref": item.ref, "entitlement_id": row.entitlement_id, "reason_code": item.reason},
            reason=f"bank return file {digest[:12]} line {item.line}",
            region=regions.get(item.id_number),
        )
        new += 1
    result = ImportResult(len(lines), len(lines) - len(failed), len(failed), new)
    audit.record(
        session,
        actor=actor,
        action="payroll.return_import",
        entity_type="payroll",
        entity_id=payroll.month,
        after={"sha256": digest, "lines": result.lines, "failed": result.failed, "new_failures": new},
    )
    return result
