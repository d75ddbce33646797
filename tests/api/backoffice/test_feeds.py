"""Data-comparison feeds against a real database (SQLite and PostgreSQL): each kind, re-import, name
mismatches to the review list, row-level errors, overpayment and recovery cases, heir notices."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import verify_chain
from api.beneficiaries.models import Certification, Entitlement
from api.certification.models import PaymentResumption
from api.comparison.mismatches import decide_mismatch
from api.comparison.models import FeedKind, FeedMismatch, MismatchStatus, RecoveryCase
from api.comparison.rows import FeedFileError
from api.comparison.service import import_feed
from api.notify.models import OutboxMessage
from shared.enums import BenefitType, CertificationMethod, PaymentState, StopReason
from shared.idnumber import make_id_number
from shared.months import YearMonth
from tests.api.backoffice.helpers import feed_ctx, write_csv

SOL = ["id_number", "name", "event_date", "source"]


def _certs(session, person_id: int) -> list[Certification]:
    return list(
        session.execute(sa.select(Certification).where(Certification.beneficiary_id == person_id)).scalars()
    )


def test_sign_of_life_certifies_current_window_once(session, make_person, tmp_path):
    p = make_person(name="王建国", birth=date(1950, 3, 15))
    stranger = make_id_number("110101", date(1940, 1, 1), 999)
    f = write_csv(
        tmp_path / "sol.csv",
        SOL,
        [
            [p.id_number, "王建国", "2026-11-02", "hospital"],
            [stranger, "李四", "2026-11-02", "hospital"],
            ["110101195003150000", "坏号", "2026-11-02", "hospital"],
            [p.id_number, "王建国", "2026-13-02", "hospital"],
            [p.id_number, "王建国", "2026-11-02", "telepathy"],
        ],
    )
    report = import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    assert (report.rows, report.applied, report.unchanged, report.mismatched) == (5, 1, 0, 0)
    assert sorted(e.row_number for e in report.errors) == [3, 4, 5, 6]
    assert "not on the roll" in next(e.message for e in report.errors if e.row_number == 3)
    assert "not valid" in next(e.message for e in report.errors if e.row_number == 4)
    [cert] = _certs(session, p.id)
    assert cert.method is CertificationMethod.DATA_COMPARISON
    assert (cert.window_start, cert.window_end) == (date(2026, 3, 1), date(2027, 2, 28))
    assert "source:hospital" in cert.evidence

    again = import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    assert (again.applied, again.unchanged) == (0, 1)
    assert len(_certs(session, p.id)) == 1


def test_sign_of_life_before_current_window_is_refused(session, make_person, tmp_path):
    p = make_person(name="赵老汉", birth=date(1950, 3, 15))
    f = write_csv(tmp_path / "old.csv", SOL, [[p.id_number, "赵老汉", "2026-02-10", "office_visit"]])
    report = import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    assert report.applied == 0
    assert "before the current window" in report.errors[0].message
    assert _certs(session, p.id) == []


def test_name_mismatch_goes_to_review_list_never_applied(session, make_person, tmp_path):
    p = make_person(name="陈秀英", birth=date(1951, 5, 1))
    f = write_csv(tmp_path / "mm.csv", SOL, [[p.id_number, "陈秀芳", "2026-11-03", "medical_insurance"]])
    report = import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())
    session.commit()
    assert (report.applied, report.mismatched) == (0, 1)
    assert _certs(session, p.id) == []
    item = session.execute(sa.select(FeedMismatch).where(FeedMismatch.beneficiary_id == p.id)).scalar_one()
    assert item.status is MismatchStatus.PENDING and item.feed_name == "陈秀芳"
    # Importing the same file again does not open a second item.
    assert import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx()).mismatched == 0
    session.commit()
    # A reviewer confirms it is the same person: now it is applied.
    outcome = decide_mismatch(
        session, item, apply=True, reviewer_id=None, reason="same person, typo", ctx=feed_ctx()
    )
    assert outcome.changed and outcome.refused is None
    session.commit()
    assert item.status is MismatchStatus.APPLIED
    assert len(_certs(session, p.id)) == 1


def test_sign_of_life_resumes_suspended_payment_with_back_pay(session, make_person, tmp_path):
    p = make_person(
        name="刘德顺",
        birth=date(1950, 3, 15),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
    )
    f = write_csv(tmp_path / "res.csv", SOL, [[p.id_number, "刘德顺", "2026-11-05", "office_visit"]])
    assert import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx()).applied == 1
    session.commit()
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    assert ent.payment_state is PaymentState.ACTIVE and ent.suspended_since is None
    res = session.execute(
        sa.select(PaymentResumption).where(PaymentResumption.entitlement_id == ent.id)
    ).scalar_one()
    assert (res.suspended_since, res.resume_month, res.back_pay_months) == (
        YearMonth(2026, 9),
        YearMonth(2026, 12),
        3,
    )
    assert res.back_pay_cents == 3 * ent.monthly_cents


def test_death_stops_payment_opens_recovery_and_notifies_heir(session, make_person, tmp_path):
    p = make_person(name="孙桂兰", birth=date(1945, 6, 1))
    f = write_csv(
        tmp_path / "death.csv",
        ["id_number", "name", "death_date", "source", "heir_name", "heir_phone"],
        [[p.id_number, "孙桂兰", "2026-07-10", "cremation", "孙立", "13800000000"]],
    )
    ctx = feed_ctx(paid_through=YearMonth(2026, 11))
    report = import_feed(session, FeedKind.DEATH, f, ctx=ctx)
    session.commit()
    assert (report.applied, report.recovery_cases, report.referrals) == (1, 1, 1)
    session.refresh(p)
    assert p.deceased_on == date(2026, 7, 10)
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    assert (ent.payment_state, ent.stopped_reason, ent.stopped_from) == (
        PaymentState.STOPPED,
        StopReason.DECEASED,
        YearMonth(2026, 8),
    )
    case = session.execute(sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == p.id)).scalar_one()
    # Paid for Aug, Sep, Oct, Nov after a death in July: 4 × 3,125.50 yuan.
    assert (case.first_month, case.last_month, case.months) == (YearMonth(2026, 8), YearMonth(2026, 11), 4)
    assert case.amount_cents == 4 * 312_550
    # ≥ 3,000 yuan, but on the credit list only after the heirs refuse to repay (api/recovery/)
    assert case.status == "open" and not case.credit_list_referral
    notice = session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.beneficiary_id == p.id)
    ).scalar_one()
    assert notice.template == "heir_notice" and notice.recipient == "13800000000"
    assert "孙*兰" in notice.body and "孙桂兰" not in notice.body

    again = import_feed(session, FeedKind.DEATH, f, ctx=ctx)
    session.commit()
    assert (again.applied, again.unchanged, again.recovery_cases) == (0, 1, 0)
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(RecoveryCase).where(RecoveryCase.beneficiary_id == p.id)
        ).scalar_one()
        == 1
    )


def test_heir_notice_is_written_in_the_persons_language(session, make_person, tmp_path):
    """The notice text comes from the catalogs in beneficiaries.language (zh-Hans unless set)."""
    zh = make_person(name="钱玉兰", birth=date(1944, 2, 1))
    en = make_person(name="赵海伦", birth=date(1944, 3, 1))
    en.language = "en"
    session.commit()
    f = write_csv(
        tmp_path / "death-lang.csv",
        ["id_number", "name", "death_date", "source", "heir_name", "heir_phone"],
        [
            [zh.id_number, "钱玉兰", "2026-07-10", "cremation", "", "13800000001"],
            [en.id_number, "赵海伦", "2026-07-10", "cremation", "Helen Jr", "13800000002"],
        ],
    )
    import_feed(session, FeedKind.DEATH, f, ctx=feed_ctx(paid_through=YearMonth(2026, 11)))
    session.commit()
    sent = sa.select(OutboxMessage).where(OutboxMessage.beneficiary_id.in_([zh.id, en.id]))
    body = {m.beneficiary_id: m.body for m in session.execute(sent).scalars()}
    assert body[zh.id].startswith("家属：钱*兰的社会保险待遇已自2026年8月起停发。")
    assert body[en.id].startswith("Helen Jr: the social-insurance benefits of 赵*伦 stop from August 2026.")


def test_death_of_suspended_person_counts_only_paid_months(session, make_person, tmp_path):
    p = make_person(
        name="周福来", birth=date(1944, 2, 2), payment_state=PaymentState.SUSPENDED, suspended_since="2026-10"
    )
    f = write_csv(
        tmp_path / "d2.csv",
        ["id_number", "name", "death_date", "source"],
        [[p.id_number, "周福来", "2026-08-20", "death"]],
    )
    report = import_feed(session, FeedKind.DEATH, f, ctx=feed_ctx(paid_through=YearMonth(2026, 11)))
    session.commit()
    case = session.execute(sa.select(RecoveryCase).where(RecoveryCase.beneficiary_id == p.id)).scalar_one()
    assert (case.first_month, case.last_month, case.months) == (YearMonth(2026, 9), YearMonth(2026, 9), 1)
    assert report.recovery_cases == 1


def test_detention_suspends_from_following_month(session, make_person, tmp_path):
    p = make_person(name="吴强", birth=date(1955, 9, 9))
    f = write_csv(
        tmp_path / "det.csv", ["id_number", "name", "start_date"], [[p.id_number, "吴强", "2026-10-15"]]
    )
    assert import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx()).applied == 1
    session.commit()
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
    assert (ent.payment_state, ent.suspended_since) == (PaymentState.SUSPENDED, YearMonth(2026, 11))
    assert import_feed(session, FeedKind.DETENTION, f, ctx=feed_ctx()).unchanged == 1


def test_survivor_end_stops_only_the_survivor_benefit(session, make_person, tmp_path):
    p = make_person(
        name="郑小红", birth=date(1960, 4, 4), benefits=(BenefitType.SURVIVOR, BenefitType.RESIDENT_PENSION)
    )
    q = make_person(name="郑大红", birth=date(1960, 4, 5))
    f = write_csv(
        tmp_path / "surv.csv",
        ["id_number", "name", "event_date", "reason"],
        [
            [p.id_number, "郑小红", "2026-09-30", "remarried"],
            [q.id_number, "郑大红", "2026-09-30", "employed"],
        ],
    )
    report = import_feed(session, FeedKind.SURVIVOR_END, f, ctx=feed_ctx())
    session.commit()
    assert report.applied == 1
    assert "no survivor benefit" in report.errors[0].message
    states = {
        e.benefit_type: (e.payment_state, e.stopped_from)
        for e in session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalars()
    }
    assert states == {
        BenefitType.SURVIVOR: (PaymentState.STOPPED, YearMonth(2026, 10)),
        BenefitType.RESIDENT_PENSION: (PaymentState.ACTIVE, None),
    }


def test_missing_columns_reject_the_whole_file(session, tmp_path):
    f = write_csv(tmp_path / "bad.csv", ["id_number", "name"], [["x", "y"]])
    with pytest.raises(FeedFileError, match="missing: event_date, source"):
        import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx())


def test_audit_chain_still_verifies(session):
    assert verify_chain(session).ok
