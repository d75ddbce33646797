"""A tip-off end to end in Chromium at 390×844: a citizen reports a person from the status screen and gets a
reference and a lookup code; a reviewer in the staff app takes the case, adds a note and closes it; the
citizen's lookup then shows the outcome — and nothing about anyone. Its own API, citizens' app and staff app
on a freshly seeded demo database."""

from __future__ import annotations

import re
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

PASSWORD = "tipoff e2e pass"


@dataclass(frozen=True)
class TipoffStack:
    citizen_url: str
    staff_url: str
    reviewer: str
    person: DemoPerson


@pytest.fixture(scope="module")
def tipoff_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TipoffStack]:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from shared.enums import StaffRole

    work = tmp_path_factory.mktemp("tipoff-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    certified, _, _, _ = seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_staff(
            session,
            username="e2e_reviewer",
            name="赵审核",
            role=StaffRole.REVIEWER,
            password=PASSWORD,
            region_code=None,
            actor="system:test",
        )
    engine.dispose()
    with running_stack(work, stack_env(db_url, work), apps=("app.citizen", "app.staff")) as running:
        yield TipoffStack(running.citizen_url, running.staff_url, "e2e_reviewer", certified)


@pytest.fixture
def phone(browser):
    """A new phone-sized page (citizen and staff each get their own)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_citizen_reports_staff_closes_and_the_lookup_shows_the_outcome(phone, tipoff_stack, shots) -> None:
    person = tipoff_stack.person
    citizen = phone()
    open_app(citizen, tipoff_stack.citizen_url + "/status", "status-id")
    reach(citizen, "status-tipoff")
    shots(citizen, "status-links")
    tap(citizen, "status-tipoff")
    expect_text(citizen, "screen-title", "举报冒领")
    type_into(citizen, "tipoff-name", person.name)
    type_into(citizen, "tipoff-id", person.id_number)
    type_into(citizen, "tipoff-description", "老人上个月已经去世了，家里人还在领养老金。")
    shots(citizen, "form")
    reach(citizen, "tipoff-submit")
    tap(citizen, "tipoff-submit")
    expect_text(citizen, "tipoff-done", "举报已收到")
    expect_text(citizen, "tipoff-reference", r"受理编号：[1-9]\d{3} \d{4}")
    expect_text(citizen, "tipoff-code", r"查询码：[2-9A-Z]{8}")
    reference = re.search(r"(\d{4} \d{4})", text_of(citizen, "tipoff-reference")).group(1)
    shots(citizen, "receipt")

    tap(citizen, "tipoff-to-lookup")  # the reference and code are filled in
    expect_text(citizen, "screen-title", "查询举报进展")
    tap(citizen, "tipoff-lookup-submit")
    expect_text(citizen, "tipoff-state", "办理进展：已受理")
    assert widget(citizen, "tipoff-outcome").count() == 0
    shots(citizen, "lookup-open")

    staff = phone()
    open_app(staff, tipoff_stack.staff_url, "console-username")
    type_into(staff, "console-username", tipoff_stack.reviewer)
    type_into(staff, "console-password", PASSWORD)
    tap(staff, "console-sign-in")
    widget(staff, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)
    reach(staff, "staff-home-cases")
    tap(staff, "staff-home-cases")
    expect_text(staff, "screen-title", "核查案件")
    expect_text(staff, "cases-item-0", f"{reference}　网上举报　已受理")
    shots(staff, "list")
    reach(staff, "cases-open-0")
    tap(staff, "cases-open-0")
    expect_text(staff, "case-summary", reference)
    reach(staff, "case-assign-me")
    tap(staff, "case-assign-me")
    expect_text(staff, "case-assignee", "由我承办")
    reach(staff, "case-note")
    type_into(staff, "case-note", "已上门，老人在家，身体健康。")
    reach(staff, "case-add-note")
    tap(staff, "case-add-note")
    expect_text(staff, "case-summary", "核查中")
    reach(staff, "case-outcome-confirmed_alive")
    tap(staff, "case-outcome-confirmed_alive")
    reach(staff, "case-close-note")
    type_into(staff, "case-close-note", "本人健在，举报不实")
    shots(staff, "closing")
    reach(staff, "case-close")
    tap(staff, "case-close")
    reach(staff, "case-outcome")
    expect_text(staff, "case-outcome", "结论：核实本人健在")
    shots(staff, "closed")

    tap(citizen, "tipoff-lookup-submit")
    expect_text(citizen, "tipoff-outcome", "办理结论：核实本人健在")
    expect_text(citizen, "tipoff-state", "办理进展：已办结")
    page_text = citizen.locator("flt-semantics-host, body").first.inner_text()
    assert person.name not in page_text and person.id_number not in page_text
    shots(citizen, "lookup-closed")
