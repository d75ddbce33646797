"""Disclosure lists (公示): per village and half year, who is on the roll and where their certification
stands — masked names and ID numbers only — with the posting period (at least 7 working days) and the
contact for tip-offs. Rendered as CSV and as a printable PDF (fpdf2, with a CJK font from the system)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.core import csv_safe
from api.core.pdf import cjk_pdf
from api.core.settings import Settings
from api.core.workdays import load_calendar
from api.regions.models import Region
from api.regions.scope import NATIONAL, RegionScope
from api.spotchecks.service import half_year_range
from shared.enums import CertificationResult, PaymentState
from shared.idnumber import mask_id, mask_name
from shared.workdays import WorkCalendar

MIN_POSTING_DAYS = 7
DEFAULT_TIPOFF = "12333"
STATE_LABELS = {
    "certified": "已认证",
    "not_certified": "未认证",
    "suspended": "暂停发放",
    "stopped": "终止发放",
}


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    masked_name: str
    masked_id: str
    state: str  # certified | not_certified | suspended | stopped
    certified_on: date | None
    method: str | None


@dataclass(frozen=True, slots=True)
class DisclosureList:
    village_code: str
    village_name: str
    half_year: str
    posting_from: date
    posting_to: date
    tipoff_contact: str
    rows: tuple[DisclosureRow, ...]
    tipoff_url: str = ""  # the citizens' app tip-off form (no sign-in; a reference and code to look it up)


def tipoff_url(settings: Settings) -> str:
    """Where the public tip-off form is: the citizens' app's ``/tipoff`` screen."""
    return settings.notify.citizen_app_url.rstrip("/") + "/tipoff"


def build(
    session: Session,
    *,
    village_code: str,
    half_year: str,
    posting_from: date,
    working_days: int = MIN_POSTING_DAYS,
    tipoff_contact: str = DEFAULT_TIPOFF,
    tipoff_url: str = "",
    scope: RegionScope = NATIONAL,
    calendar: WorkCalendar | None = None,
) -> DisclosureList:
    """The list of ``village_code`` — which must lie in the staff member's ``scope`` (a village outside it
    is reported exactly like an unknown one)."""
    if working_days < MIN_POSTING_DAYS:
        raise ValueError(f"a disclosure list is posted for at least {MIN_POSTING_DAYS} working days")
    if not tipoff_contact.strip():
        raise ValueError("a disclosure list must name the contact for tip-offs")
    village = session.execute(
        sa.select(Region).where(Region.code == village_code, scope.covers(Region.code))
    ).scalar_one_or_none()
    if village is None:
        raise LookupError(f"no region with code {village_code}")
    start, end = half_year_range(half_year)
    people = (
        session.execute(
            sa.select(Beneficiary)
            .where(Beneficiary.region_code == village_code, scope.people())
            .order_by(Beneficiary.id_number)
        )
        .scalars()
        .all()
    )
    ids = [p.id for p in people]
    states: dict[int, list[PaymentState]] = defaultdict(list)
    for pid, payment_state in session.execute(
        sa.select(Entitlement.beneficiary_id, Entitlement.payment_state).where(
            Entitlement.beneficiary_id.in_(ids)
        )
    ):
        states[pid].append(payment_state)
    latest: dict[int, tuple[date, str]] = {}
    for pid, day, method in session.execute(
        sa.select(Certification.beneficiary_id, Certification.local_date, Certification.method)
        .where(
            Certification.beneficiary_id.in_(ids),
            Certification.result == CertificationResult.PASSED,
            Certification.local_date >= start,
            Certification.local_date <= end,
        )
        .order_by(Certification.local_date)
    ):
        latest[pid] = (day, method.value)
    rows = []
    for p in people:
        mine = states.get(p.id, [])
        if not mine:
            continue
        cert = latest.get(p.id)
        if all(s is PaymentState.STOPPED for s in mine):
            state = "stopped"
        elif PaymentState.SUSPENDED in mine:
            state = "suspended"
        elif cert:
            state = "certified"
        else:
            state = "not_certified"
        rows.append(
            DisclosureRow(
                mask_name(p.name),
                mask_id(p.id_number),
                state,
                cert[0] if cert else None,
                cert[1] if cert else None,
            )
        )
    return DisclosureList(
        village_code=village_code,
        village_name=village.name,
        half_year=half_year,
        posting_from=posting_from,
        posting_to=(calendar or load_calendar()).posting_end(posting_from, working_days),
        tipoff_contact=tipoff_contact.strip(),
        rows=tuple(rows),
        tipoff_url=tipoff_url,
    )


def to_csv(d: DisclosureList) -> str:
    out = io.StringIO()
    w = csv_safe.writer(out)
    w.writerow(["village", d.village_code, d.village_name, "half_year", d.half_year])
    w.writerow(
        [
            "posting_from",
            d.posting_from.isoformat(),
            "posting_to",
            d.posting_to.isoformat(),
            "tipoff",
            d.tipoff_contact,
            *(["tipoff_online", d.tipoff_url] if d.tipoff_url else []),
        ]
    )
    w.writerow(["name", "id_number", "state", "certified_on", "method"])
    for r in d.rows:
        w.writerow(
            [
                r.masked_name,
                r.masked_id,
                r.state,
                r.certified_on.isoformat() if r.certified_on else "",
                r.method or "",
            ]
        )
    return out.getvalue()


def to_pdf(d: DisclosureList) -> bytes:
    """A printable A4 list; needs a CJK font (Debian: fonts-droid-fallback) — RuntimeError without one."""
    pdf = cjk_pdf("A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(
        0,
        10,
        f"{d.village_name} 待遇领取资格认证公示（{d.half_year}）",
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    pdf.set_font("cjk", size=10)
    pdf.cell(
        0,
        7,
        f"公示期：{d.posting_from:%Y年%m月%d日} 至 {d.posting_to:%Y年%m月%d日}"
        f"（不少于{MIN_POSTING_DAYS}个工作日）",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(0, 7, f"如有异议或举报线索，请联系：{d.tipoff_contact}", new_x="LMARGIN", new_y="NEXT")
    if d.tipoff_url:
        pdf.cell(
            0,
            7,
            f"也可在网上举报（无需登录，凭受理编号和查询码查询进展）：{d.tipoff_url}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    widths = (30, 50, 35, 35, 40)
    headers = ("姓名", "身份证号", "认证状态", "认证日期", "认证方式")
    pdf.set_font("cjk", size=10)
    for w, h in zip(widths, headers, strict=True):
        pdf.cell(w, 8, h, border=1, align="C")
    pdf.ln()
    for r in d.rows:
        values = (
            r.masked_name,
            r.masked_id,
            STATE_LABELS.get(r.state, r.state),
            r.certified_on.isoformat() if r.certified_on else "",
            r.method or "",
        )
        for w, v in zip(widths, values, strict=True):
            pdf.cell(w, 7, v, border=1)
        pdf.ln()
    pdf.ln(3)
    pdf.cell(
        0, 7, f"共 {len(d.rows)} 人。姓名、身份证号已按规定隐去部分信息。", new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())
