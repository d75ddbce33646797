"""The staff app's recovery desk against the real API in-process (no UI): list by state, open a case,
move it on, record repayments until it is repaid; refusals come back as catalog texts in Chinese; the
case screen shows the case with the steps it may take and its ledger."""

from __future__ import annotations

import httpx
import pytest

from app.staff.console_state import ConsoleState
from app.staff.recovery_state import parse_day, parse_documents
from shared.enums import StaffRole
from shared.i18n import Translator
from shared.recovery import Agreement, RecoveryState, RepaymentKind, parse_yuan, yuan
from tests.api.backoffice.recovery_cases import make_case
from tests.app.english import english_runs
from tests.app.test_screens import identifiers, make_staff_ui, texts

ZH = Translator("zh-Hans")


@pytest.fixture
def reviewer(session) -> str:
    from api.auth import service

    service.create_staff(
        session,
        username="recovery_desk",
        name="追缴员",
        role=StaffRole.REVIEWER,
        password="correct horse",
        region_code=None,
        actor="system:test",
    )
    session.commit()
    return "recovery_desk"


async def test_a_clerk_moves_a_case_on_and_records_repayments(client, session, make_person, reviewer):
    case_id = make_case(session, make_person, amount_cents=300_000, name="钱多多")
    other = make_case(session, make_person, amount_cents=300_000, name="钱少少", state="refused")
    console = ConsoleState()
    transport = httpx.ASGITransport(app=client.app)
    assert await console.sign_in("http://test", reviewer, "correct horse", transport=transport)
    desk = console.recovery

    assert await desk.load(console.client, RecoveryState.OPEN)
    assert [c.id for c in desk.cases] == [case_id]
    assert await desk.open(console.client, case_id)
    assert desk.current is not None and desk.current.next_steps == ["notified"]

    assert not await desk.move(console.client, RecoveryState.NOTIFIED)  # no note yet
    assert desk.problem_key == "recovery.error.note"
    desk.note, desk.documents, desk.on = "告知书已送达", "告知书 1；回执 2", "2026-11-02"
    assert await desk.move(console.client, RecoveryState.NOTIFIED)
    assert desk.current.state == "notified" and desk.current.steps[0].documents == ["告知书 1", "回执 2"]
    assert desk.cases == []  # it left the "open" filter
    desk.note = "继承人签了分期协议"
    assert await desk.move(console.client, RecoveryState.AGREED, Agreement.INSTALMENTS)
    assert desk.current.agreement == "instalments"

    desk.amount = "1,000.50"
    assert await desk.pay(console.client, RepaymentKind.INSTALMENT)
    assert (desk.current.repaid_cents, desk.current.outstanding_cents) == (100_050, 199_950)
    desk.amount = "2000"  # more than is owed: the API's refusal, in Chinese
    assert not await desk.pay(console.client, RepaymentKind.INSTALMENT)
    shown = desk.message(ZH)
    assert desk.error_key == "error.recovery_over_balance" and "尚欠" in shown and not english_runs(shown)
    desk.amount = "abc"
    assert not await desk.pay(console.client, RepaymentKind.DEDUCTION)
    assert desk.problem_key == "recovery.error.amount"
    desk.amount = "1999.50"
    assert await desk.pay(console.client, RepaymentKind.DEDUCTION)
    assert desk.current.state == "repaid" and desk.current.outstanding_cents == 0

    assert await desk.open(console.client, other)
    desk.note = "想要列入"
    assert await desk.move(console.client, RecoveryState.CREDIT_LISTED)
    desk.note = "再走一步错的"
    assert not await desk.move(console.client, RecoveryState.AGREED, Agreement.DEDUCTION)
    assert desk.error_key == "error.recovery_step_not_allowed"
    await console.sign_out()


def test_the_case_screen_offers_the_allowed_steps_and_shows_the_ledger() -> None:
    from shared.backoffice_schemas import RecoveryCaseDetail

    ui = make_staff_ui("zh-Hans", StaffRole.REVIEWER)
    ui.state.console.recovery.current = RecoveryCaseDetail.model_validate(
        {
            "id": 7,
            "holder_name": "钱*多",
            "holder_id": "110101********0011",
            "region_code": "110101",
            "death_date": "2026-07-10",
            "first_month": "2026-08",
            "last_month": "2026-11",
            "months": 4,
            "amount_cents": 1_250_200,
            "repaid_cents": 100_000,
            "outstanding_cents": 1_150_200,
            "state": "notified",
            "agreement": None,
            "credit_listed": False,
            "created_at": "2026-11-22T08:00:00Z",
            "next_steps": ["agreed", "refused"],
            "takes_repayments": True,
            "steps": [
                {
                    "id": 1,
                    "from_state": "open",
                    "to_state": "notified",
                    "on": "2026-11-02",
                    "staff_id": 3,
                    "note": "告知书已送达",
                    "documents": ["告知书 1"],
                    "created_at": "2026-11-02T08:00:00Z",
                }
            ],
            "repayments": [
                {
                    "id": 1,
                    "on": "2026-11-10",
                    "amount_cents": 100_000,
                    "kind": "instalment",
                    "staff_id": 3,
                    "created_at": "2026-11-10T08:00:00Z",
                }
            ],
        }
    )
    view = ui.routes["/recovery/case"](ui)
    ids = set(identifiers(view))
    assert {
        "recovery-step-agreed-instalments",
        "recovery-step-agreed-deduction",
        "recovery-step-refused",
        "recovery-pay-instalment",
        "recovery-amount",
        "recovery-note",
        "recovery-history-0",
        "recovery-ledger-0",
    } <= ids
    assert "recovery-step-credit_listed" not in ids and "recovery-step-repaid" not in ids
    shown = "\n".join(texts(view))
    assert "尚欠：11,502.00 元" in shown and "告知书 1" in shown and "分期还款 1,000.00 元" in shown
    assert not english_runs(shown)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("500", 50_000),
        ("1,250.5", 125_050),
        ("3125.50 元", 312_550),
        ("0.01", 1),
        ("", None),
        ("1.234", None),
    ],
)
def test_amounts_are_typed_in_yuan(typed: str, cents: int | None) -> None:
    assert parse_yuan(typed) == cents


def test_yuan_writes_cents_with_separators_and_the_day_and_documents_parse() -> None:
    assert (yuan(1_250_200), yuan(5), yuan(-150)) == ("12,502.00", "0.05", "-1.50")
    assert parse_documents("告知书 1；回执 2;  \n协议 3") == ["告知书 1", "回执 2", "协议 3"]
    assert (
        parse_day("") is None
        and parse_day("2026-13-01") is False
        and str(parse_day("2026-11-02")) == "2026-11-02"
    )
