"""The CSV payroll file: the same details as the fixed-width one, one per row under a row of column names,
and a last ``TOTAL`` row with the count and the sums (the trailer). UTF-8 with a byte-order mark (Excel and
WPS open it as UTF-8); cells that would start a formula are escaped (:mod:`api.core.csv_safe`)."""

from __future__ import annotations

import io

from api.core import csv_safe
from api.payroll.rows import PayrollFile

COLUMNS = [
    "seq",
    "ref",
    "action",
    "entitlement_id",
    "id_number",
    "name",
    "benefit_type",
    "month",
    "monthly_cents",
    "back_pay_months",
    "back_pay_cents",
]


def write(payroll: PayrollFile) -> bytes:
    out = io.StringIO()
    w = csv_safe.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for seq, r in enumerate(payroll.rows, start=1):
        w.writerow(
            [
                seq,
                r.ref,
                r.action,
                r.entitlement_id,
                r.id_number,
                r.name,
                r.benefit_type,
                r.month,
                r.monthly_cents,
                r.back_pay_months,
                r.back_pay_cents,
            ]
        )
    w.writerow(
        [
            "TOTAL",
            len(payroll.rows),
            "",
            "",
            "",
            "",
            "",
            payroll.month,
            payroll.monthly_cents,
            "",
            payroll.back_pay_cents,
        ]
    )
    return out.getvalue().encode("utf-8-sig")
