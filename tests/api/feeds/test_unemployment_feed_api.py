"""The four unemployment-ending kinds over the feed API (MoHRSS 2019 notice,
shared/policies/004_435b6c8e4ae08301.txt, part 4), on SQLite and PostgreSQL: a row stops only the
unemployment entitlement, a person without one is refused per row as not applicable, a resend changes
nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.beneficiaries.models import Entitlement
from api.comparison.models import RecoveryCase
from api.core.deps import agency_today
from shared.enums import BenefitType, PaymentState, StopReason
from shared.months import YearMonth
from tests.api.feeds.helpers import add_source, audit_count, snapshot

URL = "/api/v1/feeds/{kind}/batches"
KINDS = ["reemployment", "business_registration", "emigration", "pension_start"]


@pytest.mark.parametrize("kind", KINDS)
def test_batch_stops_unemployment_benefit_and_resend_changes_nothing(
    client, session, engine, make_person, kind
):
    jobless = make_person(
        name="冯建华",
        birth=date(1978, 8, 8),
        benefits=(BenefitType.UNEMPLOYMENT, BenefitType.RESIDENT_PENSION),
        entitled_since=date(2025, 1, 1),
    )
    pensioner = make_person(name="冯建民", birth=date(1950, 8, 9))
    key = add_source(session, f"renshe-{kind}", [kind])
    this_month = YearMonth.of(agency_today())
    event = this_month.prev().prev().first_day()  # two months ago
    body = {
        "batch_id": f"{kind}-001",
        "rows": [
            {"id_number": jobless.id_number, "name": "冯建华", "event_date": event.isoformat()},
            {"id_number": pensioner.id_number, "name": "冯建民", "event_date": event.isoformat()},
        ],
    }
    first = client.post(URL.format(kind=kind), json=body, headers={"X-Feed-Key": key})
    assert first.status_code == 201, first.text
    report = first.json()
    assert (report["applied_rows"], report["unchanged_rows"]) == ([1], [])
    assert [(r["row"], r["code"]) for r in report["refused_rows"]] == [(2, "not_applicable")]
    session.expire_all()
    states = {
        e.benefit_type: (e.payment_state, e.stopped_reason, e.stopped_from)
        for e in session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == jobless.id)
        ).scalars()
    }
    assert states == {
        BenefitType.UNEMPLOYMENT: (PaymentState.STOPPED, StopReason(kind_reason(kind)), this_month.prev()),
        BenefitType.RESIDENT_PENSION: (PaymentState.ACTIVE, None, None),
    }
    pension = session.execute(
        sa.select(Entitlement).where(Entitlement.beneficiary_id == pensioner.id)
    ).scalar_one()
    assert pension.payment_state is PaymentState.ACTIVE
    case = session.execute(
        sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == jobless.id)
    ).scalar_one()
    # paid through this month (the default): last month and this month were paid after the event
    assert (case.first_month, case.last_month) == (this_month.prev(), this_month)

    before, events = snapshot(engine), audit_count(engine)
    again = client.post(URL.format(kind=kind), json=body, headers={"X-Feed-Key": key})
    assert again.status_code == 200 and again.json() == {**report, "replayed": True}
    assert snapshot(engine) == before and audit_count(engine) == events


def kind_reason(kind: str) -> str:
    return {
        "reemployment": "reemployed",
        "business_registration": "business_registered",
        "emigration": "emigrated",
        "pension_start": "pension_started",
    }[kind]
