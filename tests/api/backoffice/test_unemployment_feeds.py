"""Comparisons that stop unemployment benefit (MoHRSS 2019 notice, shared/policies/004_435b6c8e4ae08301.txt,
part 4): re-employment, business registration, emigration, pension start. Each stops only the unemployment
entitlement, from the month after the event, with its stop reason and an audit event; months already paid
after the event open a recovery case; rows about people without unemployment benefit are refused per row."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Entitlement
from api.comparison.models import FeedKind, RecoveryCase
from api.comparison.service import import_feed
from shared.enums import BenefitType, PaymentState, StopReason
from shared.months import YearMonth
from tests.api.backoffice.helpers import feed_ctx, write_csv

KINDS = [
    (FeedKind.REEMPLOYMENT, StopReason.REEMPLOYED),
    (FeedKind.BUSINESS_REGISTRATION, StopReason.BUSINESS_REGISTERED),
    (FeedKind.EMIGRATION, StopReason.EMIGRATED),
    (FeedKind.PENSION_START, StopReason.PENSION_STARTED),
]


def _states(session, person_id: int) -> dict[BenefitType, tuple]:
    return {
        e.benefit_type: (e.payment_state, e.stopped_reason, e.stopped_from)
        for e in session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == person_id)
        ).scalars()
    }


@pytest.mark.parametrize(("kind", "reason"), KINDS, ids=[k.value for k, _ in KINDS])
def test_feed_stops_only_the_unemployment_benefit(session, make_person, tmp_path, kind, reason):
    both = make_person(
        name="韩立平",
        birth=date(1975, 5, 5),
        benefits=(BenefitType.UNEMPLOYMENT, BenefitType.SURVIVOR),
        entitled_since=date(2026, 3, 1),
    )
    pension_only = make_person(name="韩立安", birth=date(1958, 5, 6))
    f = write_csv(
        tmp_path / f"{kind.value}.csv",
        ["id_number", "name", "event_date", "source"],
        [
            [both.id_number, "韩立平", "2026-09-12", ""],
            [pension_only.id_number, "韩立安", "2026-09-12", ""],
        ],
    )
    # Paid through November: October and November were paid after a September event.
    ctx = feed_ctx(paid_through=YearMonth(2026, 11))
    report = import_feed(session, kind, f, ctx=ctx)
    session.commit()
    assert (report.applied, report.unchanged, report.recovery_cases) == (1, 0, 1)
    [error] = report.errors
    assert (error.row_number, error.code) == (3, "not_applicable")
    assert "no unemployment benefit" in error.message
    assert _states(session, both.id) == {
        BenefitType.UNEMPLOYMENT: (PaymentState.STOPPED, reason, YearMonth(2026, 10)),
        BenefitType.SURVIVOR: (PaymentState.ACTIVE, None, None),
    }
    assert _states(session, pension_only.id) == {
        BenefitType.ENTERPRISE_PENSION: (PaymentState.ACTIVE, None, None)
    }
    unemployment = session.execute(
        sa.select(Entitlement).where(
            Entitlement.beneficiary_id == both.id, Entitlement.benefit_type == BenefitType.UNEMPLOYMENT
        )
    ).scalar_one()
    stop = session.execute(
        sa.select(AuditEvent).where(
            AuditEvent.action == "entitlement.stop",
            AuditEvent.entity_type == "entitlement",
            AuditEvent.entity_id == str(unemployment.id),
        )
    ).scalar_one()
    assert stop.actor == "staff:test" and "unemployment benefit ended" in stop.reason
    case = session.execute(sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == both.id)).scalar_one()
    assert case.entitlement_id == unemployment.id
    assert (case.first_month, case.last_month, case.months) == (YearMonth(2026, 10), YearMonth(2026, 11), 2)
    assert case.amount_cents == 2 * 312_550
    assert case.death_date == date(2026, 9, 12)  # the event's date

    # The same file again changes nothing: no second stop, no second recovery case.
    events = session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
    again = import_feed(session, kind, f, ctx=ctx)
    session.commit()
    assert (again.applied, again.unchanged, again.recovery_cases, len(again.errors)) == (0, 1, 0, 1)
    # only the run's own feed.import event was added
    assert session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == events + 1
    assert _states(session, both.id)[BenefitType.UNEMPLOYMENT][2] == YearMonth(2026, 10)
    assert verify_chain(session).ok


def test_event_in_the_current_month_opens_no_recovery(session, make_person, tmp_path):
    p = make_person(name="韩晓东", birth=date(1980, 1, 9), benefits=(BenefitType.UNEMPLOYMENT,))
    f = write_csv(
        tmp_path / "re.csv",
        ["id_number", "name", "event_date"],
        [[p.id_number, "韩晓东", "2026-11-03"]],
    )
    report = import_feed(session, FeedKind.REEMPLOYMENT, f, ctx=feed_ctx(paid_through=YearMonth(2026, 11)))
    session.commit()
    assert (report.applied, report.recovery_cases) == (1, 0)
    assert _states(session, p.id)[BenefitType.UNEMPLOYMENT] == (
        PaymentState.STOPPED,
        StopReason.REEMPLOYED,
        YearMonth(2026, 12),
    )


def test_event_before_the_benefit_began_recovers_every_paid_month(session, make_person, tmp_path):
    """Registered a business in January, paid unemployment benefit from March: every paid month is
    recovered, none before the benefit began."""
    p = make_person(
        name="韩晓南",
        birth=date(1981, 1, 9),
        benefits=(BenefitType.UNEMPLOYMENT,),
        entitled_since=date(2026, 3, 1),
    )
    f = write_csv(
        tmp_path / "biz.csv",
        ["id_number", "name", "event_date", "source"],
        [[p.id_number, "韩晓南", "2026-01-20", "samr"]],
    )
    report = import_feed(
        session, FeedKind.BUSINESS_REGISTRATION, f, ctx=feed_ctx(paid_through=YearMonth(2026, 5))
    )
    session.commit()
    assert report.applied == 1
    case = session.execute(sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == p.id)).scalar_one()
    assert (case.first_month, case.last_month, case.months) == (YearMonth(2026, 3), YearMonth(2026, 5), 3)


def test_future_event_is_refused(session, make_person, tmp_path):
    p = make_person(name="韩晓西", birth=date(1982, 1, 9), benefits=(BenefitType.UNEMPLOYMENT,))
    f = write_csv(
        tmp_path / "emi.csv", ["id_number", "name", "event_date"], [[p.id_number, "韩晓西", "2027-01-01"]]
    )
    report = import_feed(session, FeedKind.EMIGRATION, f, ctx=feed_ctx())
    session.commit()
    assert report.applied == 0 and "in the future" in report.errors[0].message
    assert _states(session, p.id)[BenefitType.UNEMPLOYMENT][0] is PaymentState.ACTIVE


def test_missing_event_date_column_rejects_the_file(session, tmp_path):
    from api.comparison.rows import FeedFileError

    f = write_csv(tmp_path / "bad.csv", ["id_number", "name"], [["x", "y"]])
    with pytest.raises(FeedFileError, match="missing: event_date"):
        import_feed(session, FeedKind.PENSION_START, f, ctx=feed_ctx())
