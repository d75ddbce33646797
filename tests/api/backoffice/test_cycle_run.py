"""The monthly run on a real database: overdue → suspended from the month, certified after suspension →
resumed with back pay, reminders into the outbox, and a second run of the same month changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
        YearMonth(2026, 11),
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


def test_a_certification_made_before_a_late_run_is_not_suspended_and_a_rerun_changes_nothing(
    session, make_person
):
    """Window Dec 2024 – Nov 2025 missed (seen from 1 November 2026); certified on 7 Dec 2026, and November
    is run only after that: the person is not suspended (a suspension would be lifted by that certification
    at once), and every run of the month agrees. Without the certification the run suspends from November."""
    from api.beneficiaries.models import Certification
    from shared.enums import CertificationResult

    person = make_person(name="秦晚", birth=date(1946, 12, 25), certified_on=date(2023, 12, 10))
    ent = _since_2020(session, person)
    first = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    session.add(
        Certification(
            beneficiary_id=person.id,
            window_start=date(2026, 12, 1),
            window_end=date(2027, 11, 30),
            method=first.method,
            operator_kind=first.operator_kind,
            result=CertificationResult.PASSED,
            evidence=[],
            certified_at=datetime(2026, 12, 7, 2, 0, tzinfo=UTC),
            local_date=date(2026, 12, 7),
        )
    )
    other = make_person(name="秦早", birth=date(1946, 12, 25), certified_on=date(2023, 12, 10))
    other_ent = _since_2020(session, other)
    policy, paths = PolicyTable(), RegionPaths()
    for _ in range(3):
        report = run_month(
            session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test"
        )
        session.commit()
        assert report.resumed == []
        suspended = {s.entitlement_id: s.from_month for s in report.suspended}
        assert ent.id not in suspended
    session.refresh(ent)
    session.refresh(other_ent)
    assert ent.payment_state is PaymentState.ACTIVE
    assert (other_ent.payment_state, str(other_ent.suspended_since)) == (PaymentState.SUSPENDED, "2026-11")


def test_an_emergency_period_spares_overdue_people_in_its_regions_until_the_extension_ends(
    session, make_person
):
    from api.certification.recording import record_passed
    from api.core.context import Rules
    from api.core.operator import Operator, OperatorKind
    from shared.enums import CertificationMethod
    from shared.idnumber import mask_id
    from shared.policy import parse_policy

    policy = parse_policy(
        '[[emergency]]\nname = "test epidemic"\nfrom = "2026-10"\nuntil = "2026-12"\nregions = ["110101"]\n'
        "extend_months = 2\n"
    )
    paths = RegionPaths()
    inside = make_person(name="严守", birth=date(1950, 11, 18), certified_on=date(2024, 12, 2))
    outside = make_person(
        name="严外", birth=date(1950, 11, 19), certified_on=date(2024, 12, 3), region_code="110102"
    )
    ent_in, ent_out = _since_2020(session, inside), _since_2020(session, outside)

    nov = run_month(session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    mine = {ent_in.id, ent_out.id}  # (the module's database holds the other tests' people too)
    assert [
        (s.entitlement_id, s.from_month, s.emergency) for s in nov.spared if s.entitlement_id in mine
    ] == [(ent_in.id, "2026-11", "test epidemic")]
    assert [s.entitlement_id for s in nov.suspended if s.entitlement_id in mine] == [
        ent_out.id
    ]  # other county
    assert "spared by an emergency extension" in nov.summary()
    run = session.get(CycleRun, nov.run_id)
    assert {
        "entitlement_id": ent_in.id,
        "masked_id": mask_id(inside.id_number),
        "benefit_type": "enterprise_pension",
        "from_month": "2026-11",
        "emergency": "test epidemic",
    } in run.report["spared"]
    session.refresh(ent_in)
    assert ent_in.payment_state is PaymentState.ACTIVE

    feb = run_month(session, YearMonth(2027, 2), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert ent_in.id in {s.entitlement_id for s in feb.spared}  # the last month of the extension
    assert ent_in.id not in {s.entitlement_id for s in feb.suspended}
    mar = run_month(session, YearMonth(2027, 3), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert (ent_in.id, "2027-03") in {(s.entitlement_id, s.from_month) for s in mar.suspended}
    assert not mar.spared

    # certified by other means during the period: flagged; by the person's own face: not
    rules = Rules(policy=policy, region_paths=paths, secret_key="k" * 32)
    during = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    visit = record_passed(
        session,
        person=outside,
        method=CertificationMethod.HOME_VISIT,
        operator=Operator(OperatorKind.STAFF, 1),
        rules=rules,
        now=during,
    )
    other = make_person(name="严面", birth=date(1950, 11, 20), certified_on=date(2024, 12, 4))
    flagged = record_passed(
        session,
        person=inside,
        method=CertificationMethod.HOME_VISIT,
        operator=Operator(OperatorKind.STAFF, 1),
        rules=rules,
        now=during,
    )
    face = record_passed(
        session,
        person=other,
        method=CertificationMethod.SELF_FACE,
        operator=Operator(OperatorKind.SELF, None),
        rules=rules,
        now=during,
    )
    assert "emergency:test epidemic" in flagged.certifications[0].evidence
    assert "emergency:test epidemic" not in visit.certifications[0].evidence  # outside its regions
    assert "emergency:test epidemic" not in face.certifications[0].evidence


def test_unemployment_benefit_stops_after_its_last_month(session, make_person):
    """Unemployment benefit is paid for a limited period (004_435b6c8e4ae08301.txt; the roster's ends_after):
    the run of the month after the last month stops it (benefit_period_ended, audited); other benefits of
    the person go on; a second run changes nothing."""
    from api.comparison.models import RecoveryCase
    from shared.enums import BenefitType, StopReason

    p = make_person(
        name="秦失业",
        birth=date(1979, 3, 3),
        benefits=(BenefitType.UNEMPLOYMENT, BenefitType.SURVIVOR),
        entitled_since=date(2025, 11, 1),
        certified_on=date(2026, 2, 1),
    )
    ents = {
        e.benefit_type: e
        for e in session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalars()
    }
    unemployment, survivor = ents[BenefitType.UNEMPLOYMENT], ents[BenefitType.SURVIVOR]
    unemployment.ends_after = YearMonth(2026, 10)
    session.commit()
    policy, paths = PolicyTable(), RegionPaths()

    october = run_month(session, YearMonth(2026, 10), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert october.stopped == []  # October is the last month: still paid
    session.refresh(unemployment)
    assert unemployment.payment_state is PaymentState.ACTIVE

    report = run_month(session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert [(s.entitlement_id, s.from_month) for s in report.stopped] == [(unemployment.id, "2026-11")]
    assert "stopped at the end of their benefit period" in report.summary()
    session.refresh(unemployment)
    session.refresh(survivor)
    assert (unemployment.payment_state, unemployment.stopped_reason, unemployment.stopped_from) == (
        PaymentState.STOPPED,
        StopReason.BENEFIT_PERIOD_ENDED,
        YearMonth(2026, 11),
    )
    assert survivor.payment_state is not PaymentState.STOPPED
    stop = session.execute(
        sa.select(AuditEvent).where(
            AuditEvent.action == "entitlement.stop", AuditEvent.entity_id == str(unemployment.id)
        )
    ).scalar_one()
    assert stop.reason == "monthly run 2026-11: benefit period ended with 2026-10"
    run = session.execute(sa.select(CycleRun).where(CycleRun.id == report.run_id)).scalar_one()
    assert run.report["stopped"][0]["entitlement_id"] == unemployment.id
    # nothing was paid after the period: no recovery
    assert session.execute(sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == p.id)).first() is None

    again = run_month(session, YearMonth(2026, 11), policy=policy, region_paths=paths, actor="staff:test")
    session.commit()
    assert again.stopped == [] and again.suspended == []
    assert verify_chain(session).ok
