"""Record changes in the staff app's state against the real API in-process (no UI): a coordinator
proposes (local checks first, then the API's), a reviewer approves from the queue; the proposer cannot."""

from __future__ import annotations

import httpx
import pytest

from app.staff.console_state import ConsoleState
from app.staff.record_change_state import cents_to_yuan, shown_value, yuan_to_cents
from shared.enums import StaffRole
from shared.i18n import Translator
from shared.record_changes import ChangeField

ZH = Translator("zh-Hans")


@pytest.fixture
def accounts(session):
    from api.auth import service
    from tests.api.factories import ensure_regions

    ensure_regions(session)
    names = {}
    for role in (StaffRole.COORDINATOR, StaffRole.REVIEWER):
        names[role] = f"changes_{role.value}"
        service.create_staff(
            session,
            username=names[role],
            name=f"{role.value}",
            role=role,
            password="correct horse",
            region_code="110101",
            actor="system:test",
        )
    session.commit()
    return names


def test_amounts_in_yuan() -> None:
    assert [yuan_to_cents(x) for x in ("3500", "3500.5", "3,500.05", "1.234", "-1", "")] == [
        "350000",
        "350050",
        "350005",
        None,
        None,
        None,
    ]
    assert cents_to_yuan("350005") == "3500.05"
    assert shown_value(ZH, ChangeField.MONTHLY_AMOUNT, "350000") == "3500.00 元"
    assert shown_value(ZH, ChangeField.STATUS, "stopped") == "停止发放"
    assert shown_value(ZH, ChangeField.NAME, None) == "—"


async def test_propose_then_another_staff_member_approves(client, session, make_person, accounts):
    person = make_person(name="郑成功")
    transport = httpx.ASGITransport(app=client.app)
    clerk, reviewer = ConsoleState(), ConsoleState()
    assert await clerk.sign_in(
        "http://test", accounts[StaffRole.COORDINATOR], "correct horse", transport=transport
    )
    assert await reviewer.sign_in(
        "http://test", accounts[StaffRole.REVIEWER], "correct horse", transport=transport
    )

    desk = clerk.changes
    desk.for_person(person.id)
    assert await desk.load_record(clerk.client)
    assert desk.record.name == "郑成功" and desk.entitlement_id == desk.record.entitlements[0].id
    assert not await desk.propose(clerk.client, value="郑森", reason="ok")
    assert desk.message(ZH) == "请选择要修改哪一项。"
    desk.kind = ChangeField.MONTHLY_AMOUNT
    assert not await desk.propose(clerk.client, value="12.345", reason="调标文件")
    assert desk.problem_key == "change.error.amount"
    desk.kind = ChangeField.NAME
    assert not await desk.propose(clerk.client, value="郑成功", reason="户口簿为准")
    assert desk.message(ZH) == "新内容与现有记录相同，无需修改。"  # the API's change_no_op
    assert await desk.propose(clerk.client, value="郑森", reason="户口簿为准", evidence="户口簿")
    assert desk.last_proposed.after == "郑森"
    assert [c.status.value for c in desk.record.changes] == ["pending"]

    assert await clerk.changes.load_queue(clerk.client) is False  # a coordinator does not approve
    assert await reviewer.changes.load_queue(reviewer.client)
    change = reviewer.changes.queue[0]
    assert (change.before, change.after, change.can_decide) == ("郑成功", "郑森", True)
    assert not await reviewer.changes.decide(reviewer.client, change.id, approve=False, reason="")
    assert reviewer.changes.problem_key == "change.error.reject_reason"
    assert await reviewer.changes.decide(reviewer.client, change.id, approve=True, reason="")
    assert reviewer.changes.last_decided.status.value == "approved" and reviewer.changes.queue == []
    assert await desk.load_record(clerk.client)
    assert desk.record.name == "郑森"
