"""What a month's payroll file says: one detail per payment-state change of an entitlement, in the order
they happened, as the monthly run (and the feeds and reviewers between two runs) recorded them.

The file of month M covers the changes recorded after the previous month's run finished (the previous
file's cut-off) up to the end of M's run: the suspensions and resumptions (with back pay) the run decided,
and the stops (deaths, survivor ends, unemployment-benefit ends) and detention suspensions or releases
recorded since the last file.
Every change is an audit event of :func:`api.payments.transitions.transition`; its sequence number is the
detail's reference, which the bank's return file names. Only people inside ``scope`` are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.audit import AuditEvent
from api.beneficiaries.models import Beneficiary, Entitlement
from api.cycle_jobs.models import CycleRun
from api.regions.scope import RegionScope
from shared.enums import PayrollAction
from shared.months import YearMonth

ACTIONS = {
    "entitlement.suspend": PayrollAction.SUSPEND,
    "entitlement.resume": PayrollAction.RESUME,
    "entitlement.stop": PayrollAction.STOP,
}


class MonthNotRun(LookupError):
    """No finished monthly run for the month: there is nothing decided to send to the bank yet."""


@dataclass(frozen=True, slots=True)
class PayrollRow:
    ref: int  # the audit event's sequence number
    action: PayrollAction
    entitlement_id: int
    id_number: str
    name: str
    benefit_type: str
    month: str  # YYYY-MM: suspended from / resumed from / stopped from
    monthly_cents: int
    back_pay_months: int
    back_pay_cents: int


@dataclass(frozen=True, slots=True)
class PayrollFile:
    month: str
    region_code: str | None
    created_at: datetime
    rows: list[PayrollRow]

    @property
    def back_pay_cents(self) -> int:
        return sum(r.back_pay_cents for r in self.rows)

    @property
    def monthly_cents(self) -> int:
        return sum(r.monthly_cents for r in self.rows)

    def count(self, action: PayrollAction) -> int:
        return sum(r.action == action for r in self.rows)


def _cutoff(session: Session, month: YearMonth) -> datetime | None:
    return session.execute(
        sa.select(sa.func.max(CycleRun.finished_at)).where(CycleRun.month == month, CycleRun.state.is_(None))
    ).scalar_one()


def build(session: Session, month: YearMonth, *, scope: RegionScope, now: datetime) -> PayrollFile:
    """The payroll file of ``month`` for the people in ``scope``; :class:`MonthNotRun` before its run."""
    end = _cutoff(session, month)
    if end is None:
        raise MonthNotRun(f"the monthly run of {month} has not been made yet")
    start = _cutoff(session, month.prev())
    window = [AuditEvent.action.in_(ACTIONS), AuditEvent.entity_type == "entitlement"]
    window.append(AuditEvent.created_at <= end)
    if start is not None:
        window.append(AuditEvent.created_at > start)
    events = session.execute(sa.select(AuditEvent).where(*window).order_by(AuditEvent.seq)).scalars().all()
    ids = {int(e.entity_id) for e in events}
    people = {
        ent.id: (ent, person)
        for ent, person in session.execute(
            sa.select(Entitlement, Beneficiary)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .where(Entitlement.id.in_(ids), scope.people())
        )
    }
    rows = []
    for event in events:
        found = people.get(int(event.entity_id))
        if found is None:
            continue
        ent, person = found
        after = event.after or {}
        action = ACTIONS[event.action]
        effective = {
            PayrollAction.SUSPEND: after.get("suspended_since"),
            PayrollAction.RESUME: after.get("resume_month"),
            PayrollAction.STOP: after.get("stopped_from"),
        }[action]
        back_pay = after.get("back_pay_months", []) if action is PayrollAction.RESUME else []
        rows.append(
            PayrollRow(
                ref=event.seq,
                action=action,
                entitlement_id=ent.id,
                id_number=person.id_number,
                name=person.name,
                benefit_type=ent.benefit_type.value,
                month=str(effective or month),
                monthly_cents=ent.monthly_cents,
                back_pay_months=len(back_pay) if isinstance(back_pay, list) else int(back_pay),
                back_pay_cents=int(after.get("back_pay_cents", 0)) if action is PayrollAction.RESUME else 0,
            )
        )
    return PayrollFile(str(month), scope.region_code, now, rows)
