"""The monthly run on a real database: overdue → suspended from the month, certified after suspension →
resumed with back pay, reminders into the outbox, and a second run of the same month changes nothing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Entitlement
from api.core.region_paths import RegionPaths
from api.cycle_jobs.models import CycleRun
from api.cycle_jobs.service import run_month
from api.notify.adapters import FileNotifier
from api.notify.models import OutboxMessage, OutboxStatus
from api.notify.outbox import deliver
from shared.enums import PaymentState
from shared.months import YearMonth
from shared.policy import PolicyTable


def _ent(session, person) -> Entitlement:
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    return ent


def _since_2020(session, person) -> Entitlement:
    ent = _ent(session, person)
    ent.entitled_since = date(2020, 1, 1)
    session.commit()
    return ent


def test_monthly_run_suspends_resumes_reminds_and_is_idempotent(session, make_person, tmp_path):
    overdue = make_person(name="钱多多", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
    late = make_person(
        name="冯晓",
        birth=date(1950, 11, 16),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
        certified_on=date(2026, 10, 20),
    )
    due = make_person(name="褚丽", birth=date(1950, 12, 20), certified_on=date(2025, 1, 5))
    fine = make_person(name="卫平", birth=date(1950, 11, 17), certified_on=date(2025, 11, 3))
    due.phone = "13900000001"
    ents = {
        name: _since_2020(session, p)
        for name, p in [("overdue", overdue), ("late", late), ("due", due), ("fine", fine)]
    }
    policy, paths = PolicyTable(), RegionPaths()

    report = run_month(session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    suspended = {s.entitlement_id: s.from_month for s in report.suspended}
    resumed = {r.entitlement_id: r for r in report.resumed}
    assert suspended == {ents["overdue"].id: "2026-11"}
    assert list(resumed) == [ents["late"].id]
    r = resumed[ents["late"].id]
    assert (r.resume_month, r.back_pay_months, r.back_pay_cents) == ("2026-11", 2, 2 * 312_550)
    for ent in ents.values():
        session.refresh(ent)
    assert (ents["overdue"].payment_state, ents["overdue"].suspended_since) == (
        PaymentState.SUSPENDED,
        "2026-11",
    )
    assert ents["late"].payment_state is PaymentState.ACTIVE
    assert ents["fine"].payment_state is PaymentState.ACTIVE
    reminders = (
        session.execute(sa.select(OutboxMessage).where(OutboxMessage.template == "reminder")).scalars().all()
    )
    assert [m.beneficiary_id for m in reminders] == [due.id]
    assert reminders[0].recipient == "13900000001" and "2026年11月30日" in reminders[0].body
    assert report.reminders == 1

    events_before = session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
    again = run_month(session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert (again.suspended, again.resumed, again.reminders) == ([], [], 0)
    assert not again.changed
    # Only the run's own record is written the second time.
    events_after = session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
    assert events_after == events_before + 1
    assert session.execute(sa.select(sa.func.count()).select_from(CycleRun)).scalar_one() == 2

    suspend_events = (
        session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.action == "entitlement.suspend", AuditEvent.entity_id == str(ents["overdue"].id)
            )
        )
        .scalars()
        .all()
    )
    assert len(suspend_events) == 1 and suspend_events[0].after["suspended_since"] == "2026-11"
    assert verify_chain(session).ok

    out = tmp_path / "outbox.jsonl"
    sent = deliver(session, FileNotifier(out))
    session.commit()
    assert sent.sent >= 1 and "2026年11月30日" in out.read_text(encoding="utf-8")
    assert session.get(OutboxMessage, reminders[0].id).status is OutboxStatus.SENT
