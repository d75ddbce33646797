from datetime import date

from api.comparison.overpayment import CREDIT_REFERRAL_CENTS, overpayment
from shared.months import YearMonth


def test_months_after_death_through_last_paid_month():
    o = overpayment(death_date=date(2026, 1, 31), paid_through=YearMonth(2026, 4), monthly_cents=100_000)
    assert [str(m) for m in o.months] == ["2026-02", "2026-03", "2026-04"]
    assert o.amount_cents == 300_000 and o.referral()


def test_death_in_last_paid_month_is_no_overpayment():
    o = overpayment(death_date=date(2026, 4, 1), paid_through=YearMonth(2026, 4), monthly_cents=100_000)
    assert o.months == () and o.amount_cents == 0 and not o.referral()


def test_referral_threshold_is_inclusive_at_3000_yuan():
    just_below = overpayment(
        death_date=date(2025, 12, 5), paid_through=YearMonth(2026, 3), monthly_cents=99_999
    )
    assert just_below.amount_cents == 299_997 and not just_below.referral()
    assert CREDIT_REFERRAL_CENTS == 300_000


def test_suspension_cuts_the_paid_months():
    o = overpayment(
        death_date=date(2025, 11, 20),
        paid_through=YearMonth(2026, 6),
        monthly_cents=250_000,
        suspended_since=YearMonth(2026, 2),
    )
    assert [str(m) for m in o.months] == ["2025-12", "2026-01"]
    assert o.amount_cents == 500_000
