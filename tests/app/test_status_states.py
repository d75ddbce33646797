"""The status result screen for every state: a pending review (its dates and reference in groups), stopped
(no dates to certify by), suspended/due (a "certify now" button leading to the consent screen), certified
(no such button)."""

from __future__ import annotations

from datetime import date

import pytest

from app.citizen.screens import ROUTES
from app.citizen.screens.status_result import needs_certifying, review_lines
from shared.enums import BenefitType, CertificationMethod, CycleState, PaymentState, ResidenceKind
from shared.i18n import LANGUAGES, Translator
from shared.schemas import EntitlementStatus, PendingReviewPublic, StatusResponse
from tests.app.test_screens import assert_translated, identifiers, make_ui, texts

CERTIFIED = EntitlementStatus(
    benefit_type=BenefitType.ENTERPRISE_PENSION,
    payment_state=PaymentState.ACTIVE,
    state=CycleState.CERTIFIED,
    last_certified_on=date(2026, 3, 4),
    last_method=CertificationMethod.MANUAL_REVIEW,
    valid_until=date(2027, 2, 28),
)
SUSPENDED = EntitlementStatus(
    benefit_type=BenefitType.WORK_INJURY, payment_state=PaymentState.SUSPENDED, state=CycleState.SUSPENDED
)
STOPPED = EntitlementStatus(
    benefit_type=BenefitType.RESIDENT_PENSION,
    payment_state=PaymentState.STOPPED,
    state=CycleState.STOPPED,
    last_certified_on=date(2025, 3, 4),
    last_method=CertificationMethod.SELF_FACE,
)
REVIEW = PendingReviewPublic(
    reference="48217730", kind="overseas", submitted_on=date(2026, 11, 20), expected_by=date(2026, 12, 4)
)


def result(*entitlements: EntitlementStatus, review: PendingReviewPublic | None = None) -> StatusResponse:
    return StatusResponse(
        masked_name="张*明",
        masked_id_number="1101**********1234",
        residence_kind=ResidenceKind.DOMESTIC,
        time_zone="Asia/Shanghai",
        today=date(2026, 11, 22),
        entitlements=list(entitlements),
        pending_review=review,
    )


def screen_for(answer: StatusResponse, language: str = "zh-Hans"):
    ui = make_ui(language)
    ui.state.lookup.result = answer
    return ROUTES["/status/result"](ui)


def test_a_pending_review_shows_when_it_was_sent_when_the_answer_comes_and_its_reference() -> None:
    view = screen_for(result(SUSPENDED, review=REVIEW))
    shown = texts(view)
    assert "正在人工审核：2026年11月20日 已提交" in shown
    assert "预计 2026年12月4日 以前有结果" in shown
    assert "受理编号：4821 7730" in shown
    assert "result-certify" not in identifiers(view)  # waiting for the reviewer: nothing to do now


def test_suspended_offers_the_way_back_and_certified_does_not() -> None:
    assert "result-certify" in identifiers(screen_for(result(SUSPENDED)))
    view = screen_for(result(CERTIFIED))
    assert "result-certify" not in identifiers(view)
    assert "上次认证：2026年3月4日（人工审核）" in texts(view)  # certified by review says so
    assert needs_certifying([CERTIFIED, SUSPENDED], None) and not needs_certifying([CERTIFIED], None)
    assert not needs_certifying([STOPPED], None)


def test_stopped_shows_no_date_to_certify_by() -> None:
    shown = texts(screen_for(result(STOPPED)))
    assert "状态：已停止发放" in shown
    assert not [s for s in shown if s.startswith(("下次认证", "本期认证时间", "有效期至"))]


def test_review_lines_without_an_expected_date_or_an_old_long_id() -> None:
    review = PendingReviewPublic(kind="face", submitted_on=date(2026, 11, 20))
    lines = dict(review_lines(review, Translator("en")))
    assert lines == {"review": "Waiting for a reviewer: sent on 20 November 2026"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_translated(language: str) -> None:
    assert_translated(
        screen_for(result(CERTIFIED, SUSPENDED, STOPPED, review=REVIEW), language), "/status/result", language
    )
