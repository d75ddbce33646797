"""Record changes in Chromium against a real API and the staff app, on the demo roster and demo staff
accounts: a coordinator proposes a name change from the person screen, a reviewer (another staff member)
approves it in the queue of record changes, and the audit viewer shows the name before and after.

Screens are photographed at 390×844 (test-artifacts/e2e/).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    DemoPerson,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, reach, tap, text_of, type_into, widget

PASSWORD = "lifecert-demo"
NEW_NAME = "王德民"


@dataclass(frozen=True)
class ChangeStack:
    staff_url: str
    person: DemoPerson  # 王德明, in demo-coordinator's village


@pytest.fixture(scope="module")
def change_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChangeStack]:
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.demo import DEMO_PEOPLE, seed_demo_staff

    work = tmp_path_factory.mktemp("record-changes-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo_staff(session)  # demo-coordinator (多福巷社区), demo-reviewer (东城区)
    engine.dispose()
    person = next(DemoPerson(p.id_number, p.name) for p in DEMO_PEOPLE if p.name == "王德明")
    env = stack_env(db_url, work)
    with running_stack(work, env) as running:
        yield ChangeStack(running.staff_url, person)


@pytest.fixture
def phone(browser):
    """``phone()`` → a new 390×844 page in its own context (one per staff member); closed after the test."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, staff_url: str, username: str, first_entry: str) -> None:
    open_app(page, staff_url, "console-username")
    type_into(page, "console-username", username)
    type_into(page, "console-password", PASSWORD)
    tap(page, "console-sign-in")
    widget(page, first_entry).wait_for(state="attached", timeout=TIMEOUT_MS)


def person_card(page, name: str) -> str:
    widget(page, "worklist-person-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    count = page.locator('[flt-semantics-identifier^="worklist-person-"]').count()
    for i in range(count):
        if name in text_of(page, f"worklist-person-{i}"):
            return f"worklist-person-{i}"
    raise AssertionError(f"{name} is not on the work list")


def test_a_name_change_is_proposed_approved_by_another_and_audited(
    phone, change_stack: ChangeStack, shots
) -> None:
    person = change_stack.person

    # the coordinator proposes the change from the person screen
    clerk = phone()
    sign_in(clerk, change_stack.staff_url, "demo-coordinator", "staff-home-worklist")
    tap(clerk, "staff-home-worklist")
    tap(clerk, person_card(clerk, person.name))
    expect_text(clerk, "person-card", person.id_number)
    reach(clerk, "person-change")
    tap(clerk, "person-change")
    widget(clerk, "change-record").wait_for(state="attached")
    expect_text(clerk, "change-record", f"姓名：{person.name}")
    shots(clerk, "change-form-390x844")
    tap(clerk, "change-field-name")
    type_into(clerk, "change-value", NEW_NAME)
    type_into(clerk, "change-reason", "以户口簿姓名为准")
    type_into(clerk, "change-evidence", "户口簿第 3 页")
    reach(clerk, "change-send")
    tap(clerk, "change-send")
    expect_text(clerk, "change-done", f"已提交，等待审批：姓名 {person.name} → {NEW_NAME}")
    reach(clerk, "change-history")
    expect_text(clerk, "change-history", f"{person.name} → {NEW_NAME}（待审批")
    shots(clerk, "proposed-390x844")

    # a reviewer (another staff member of the county) approves it, seeing before → after
    reviewer = phone()
    sign_in(reviewer, change_stack.staff_url, "demo-reviewer", "staff-home-changes")
    tap(reviewer, "staff-home-changes")
    expect_text(reviewer, "changes-count", "共 1 条待审批")
    expect_text(reviewer, "changes-item-0", f"姓名：{person.name} → {NEW_NAME}")
    expect_text(reviewer, "changes-item-0", "户口簿第 3 页")
    shots(reviewer, "queue-390x844")
    type_into(reviewer, "changes-reason-0", "与户口簿一致")
    tap(reviewer, "changes-approve-0")
    expect_text(reviewer, "changes-done", f"已通过：{NEW_NAME} 的姓名")
    expect_text(reviewer, "changes-count", "暂无待审批的修改")

    # the audit viewer shows the name before and after, the chain verified
    tap(reviewer, "console-nav-audit")
    type_into(reviewer, "console-audit-id-number", person.id_number)
    tap(reviewer, "console-audit-search")
    expect_text(reviewer, "console-audit-chain", "哈希链校验通过")
    expect_text(reviewer, "console-audit-change-0", f"修改前：name: {person.name}；修改后：name: {NEW_NAME}")
    reach(reviewer, "console-audit-change-0")
    shots(reviewer, "audit-390x844")
