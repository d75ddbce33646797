"""A detention suspension keeps its reason on the entitlement, and a certification never lifts it: only a
release record (a reviewer) does. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import verify_chain
from api.beneficiaries.models import Certification, Entitlement
from api.comparison.models import FeedKind
from api.comparison.service import import_feed
from api.core.region_paths import RegionPaths
from api.cycle_jobs.service import run_month
from api.payments.resume import release_from_detention, resume_after_certification
from api.payments.transitions import HeldByDetention, TransitionError, apply, transition
from shared.enums import PaymentState, StaffRole, SuspensionReason
from shared.months import YearMonth
from shared.policy import PolicyTable
from tests.api.backoffice.helpers import feed_ctx, write_csv

DET = ["id_number", "name", "start_date"]
SOL = ["id_number", "name", "event_date", "source"]


def _ent(session, person) -> Entitlement:
    return session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()


def _detain(session, person, tmp_path, start: str = "2026-10-15") -> Entitlement:
    f = write_csv(tmp_path / f"det{person.id}.csv", DET, [[person.id_number, person.name, start]])
    assert import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx()).applied == 1
    session.commit()
    return _ent(session, person)


def test_detention_reason_is_stored_and_a_sign_of_life_does_not_lift_it(session, make_person, tmp_path):
    p = make_person(name="韩立", birth=date(1952, 3, 3))
    ent = _detain(session, p, tmp_path)
    assert (ent.payment_state, ent.suspended_since, ent.suspension_reason) == (
        PaymentState.SUSPENDED,
        YearMonth(2026, 11),
        SuspensionReason.DETENTION,
    )
    f = write_csv(tmp_path / "sol.csv", SOL, [[p.id_number, p.name, "2026-11-20", "hospital"]])
    report = import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    assert report.applied == 1  # the sign of life is recorded …
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(Certification).where(Certification.beneficiary_id == p.id)
        ).scalar_one()
        == 1
    )
    session.refresh(ent)
    assert ent.payment_state is PaymentState.SUSPENDED  # … but payment stays suspended
    assert ent.suspension_reason is SuspensionReason.DETENTION
    assert verify_chain(session).ok


def test_monthly_run_does_not_resume_a_detention(session, make_person, tmp_path):
    missed = make_person(
        name="冯小",
        birth=date(1950, 11, 16),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
        certified_on=date(2026, 10, 20),
    )
    detained = make_person(name="鲁大", birth=date(1950, 11, 18), certified_on=date(2026, 11, 10))
    held = _detain(session, detained, tmp_path, start="2026-08-02")
    report = run_month(
        session, YearMonth(2026, 12), policy=PolicyTable(), region_paths=RegionPaths(), actor="staff:test"
    )
    session.commit()
    assert [r.entitlement_id for r in report.resumed] == [_ent(session, missed).id]
    session.refresh(held)
    assert (held.payment_state, held.suspended_since) == (PaymentState.SUSPENDED, YearMonth(2026, 9))


def test_detention_after_a_missed_certification_takes_over_the_reason(session, make_person, tmp_path):
    p = make_person(
        name="蒋明", birth=date(1953, 6, 6), payment_state=PaymentState.SUSPENDED, suspended_since="2026-09"
    )
    ent = _ent(session, p)
    ent.suspension_reason = SuspensionReason.MISSED_CERTIFICATION
    session.commit()
    ent = _detain(session, p, tmp_path, start="2026-10-01")  # later than the suspension: month stays
    assert (ent.suspended_since, ent.suspension_reason) == (YearMonth(2026, 9), SuspensionReason.DETENTION)
    f = write_csv(tmp_path / "sol2.csv", SOL, [[p.id_number, p.name, "2026-11-05", "office_visit"]])
    import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    session.refresh(ent)
    assert ent.payment_state is PaymentState.SUSPENDED
    # re-importing the detention changes nothing now
    f = write_csv(tmp_path / "again.csv", DET, [[p.id_number, p.name, "2026-10-01"]])
    assert import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx()).unchanged == 1


def test_transition_rules_for_reasons(session, make_person, tmp_path):
    p = make_person(name="沈一", birth=date(1951, 1, 1))
    ent = _ent(session, p)
    with pytest.raises(TransitionError, match="say why"):
        apply(ent, PaymentState.SUSPENDED, month=YearMonth(2026, 11))
    assert ent.payment_state is PaymentState.ACTIVE
    transition(
        session,
        ent,
        PaymentState.SUSPENDED,
        actor="staff:test",
        reason="detention",
        month=YearMonth(2026, 11),
        suspension_reason=SuspensionReason.DETENTION,
    )
    with pytest.raises(TransitionError, match="earlier month"):  # a missed certification never downgrades it
        apply(
            ent,
            PaymentState.SUSPENDED,
            month=YearMonth(2026, 12),
            suspension_reason=SuspensionReason.MISSED_CERTIFICATION,
        )
    with pytest.raises(HeldByDetention):
        apply(ent, PaymentState.ACTIVE)
    with pytest.raises(HeldByDetention):
        resume_after_certification(
            session,
            ent,
            certification_id=1,
            certified_on=date(2026, 11, 20),
            policy=PolicyTable(),
            region_paths=RegionPaths(),
            actor="staff:test",
        )
    assert (ent.payment_state, ent.suspension_reason) == (PaymentState.SUSPENDED, SuspensionReason.DETENTION)
    assert release_from_detention(
        session, ent, released_on=date(2026, 11, 21), actor="staff:test", reason="release record"
    ) == YearMonth(2026, 12)
    assert (ent.payment_state, ent.suspended_since, ent.suspension_reason) == (
        PaymentState.ACTIVE,
        None,
        None,
    )
    session.commit()
    assert verify_chain(session).ok


def test_reviewer_releases_a_detention_over_the_api(client, session, make_person, make_staff, tmp_path):
    p = make_person(name="秦岭", birth=date(1954, 4, 4))
    ent = _detain(session, p, tmp_path)
    url = f"/api/v1/backoffice/entitlements/{ent.id}/detention-release"
    body = {"released_on": "2026-11-02", "reason": "release certificate seen"}
    assert client.post(url, json=body, headers=make_staff(StaffRole.COORDINATOR)).status_code == 403
    reviewer = make_staff(StaffRole.REVIEWER)
    future = client.post(url, json={**body, "released_on": "2999-01-01"}, headers=reviewer)
    assert future.status_code == 422
    resp = client.post(url, json=body, headers=reviewer)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"entitlement_id": ent.id, "resume_month": "2026-12"}
    session.expire_all()
    assert _ent(session, p).payment_state is PaymentState.ACTIVE
    again = client.post(url, json=body, headers=reviewer)
    assert again.status_code == 409 and "not suspended for a detention" in again.json()["message"]
    assert (
        client.post(
            "/api/v1/backoffice/entitlements/999999/detention-release", json=body, headers=reviewer
        ).status_code
        == 404
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request, tmp_path):
    from tests.conftest import _create_pg_database, _pg_server_url

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    url, drop = _create_pg_database(_pg_server_url())
    try:
        yield url
    finally:
        drop()


def test_migration_backfills_detention_from_the_audit_trail(empty_db_url):
    """Entitlements suspended for a detention before the column existed get the reason from the trail."""
    from api.core.db import make_engine, upgrade

    upgrade(empty_db_url, "0004_entitled_since")
    engine = make_engine(empty_db_url)
    now = "2026-11-01 00:00:00"
    with engine.begin() as c:
        c.execute(
            sa.text("INSERT INTO regions (code, name, level, created_at) VALUES ('11', 'x', 'province', :n)"),
            {"n": now},
        )
        for i, number in enumerate(["110101195001010011", "110101195001010038", "110101195001010054"], 1):
            c.execute(
                sa.text(
                    "INSERT INTO beneficiaries (id, id_number, name, sex, birth_date, region_code,"
                    " residence_kind,"
                    " time_zone, created_at, updated_at) VALUES (:i, :n, 'x', 'male', '1950-01-01', '11',"
                    " 'domestic', 'Asia/Shanghai', :t, :t)"
                ),
                {"i": i, "n": number, "t": now},
            )
            c.execute(
                sa.text(
                    "INSERT INTO entitlements (id, beneficiary_id, benefit_type, monthly_cents,"
                    " payment_state,"
                    " suspended_since, created_at, updated_at) VALUES (:i, :i, 'enterprise_pension', 1,"
                    " 'suspended', '2026-10', :t, :t)"
                ),
                {"i": i, "t": now},
            )
        # 1: detention last; 2: detention, then moved earlier by a missed certification; 3: none
        events = [
            (1, "entitlement.suspend", "detention from 2026-09-01 (detention)"),
            (2, "entitlement.suspend", "detention from 2026-09-01 (detention)"),
            (2, "entitlement.suspend", "monthly run 2026-10: not certified"),
        ]
        for seq, (eid, action, reason) in enumerate(events, 1):
            c.execute(
                sa.text(
                    "INSERT INTO audit_events (seq, actor, action, entity_type, entity_id, reason,"
                    " created_at,"
                    " prev_hash, hash) VALUES (:s, 't', :a, 'entitlement', :e, :r, :t, 'p', :h)"
                ),
                {"s": seq, "a": action, "e": str(eid), "r": reason, "t": now, "h": f"h{seq}"},
            )
    upgrade(empty_db_url)
    with engine.connect() as c:
        got = dict(c.execute(sa.text("SELECT id, suspension_reason FROM entitlements ORDER BY id")).all())
    engine.dispose()
    assert got == {1: "detention", 2: None, 3: None}
