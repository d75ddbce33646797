"""The staff app (``python -m app.staff``, its own server) in Chromium against a real API: sign in to a home
that shows the signed-in role's entries, approve an item in the review queue, run a month, see the
statistics change, and open the audit viewer (chain verified) — its own API + staff app on a freshly
seeded demo database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from shared.cycle import agency_today
from tests.e2e.conftest import (
    PHONE_VIEWPORT,
    SMALL_PHONE_VIEWPORT,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, reach, tap, type_into, widget

PASSWORD = "console e2e pass"


@dataclass(frozen=True)
class ConsoleStack:
    web_url: str  # the staff app
    admin: str
    coordinator: str


@pytest.fixture(scope="module")
def console_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleStack]:
    import sqlalchemy as sa

    from api.auth import service
    from api.beneficiaries.models import Beneficiary
    from api.core.db import make_engine, make_sessionmaker, session_scope, utcnow
    from api.core.operator import SELF
    from api.review.models import ReviewKind
    from api.review.service import open_item
    from shared.enums import CertificationMethod, StaffRole

    work = tmp_path_factory.mktemp("console-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_staff(
            session,
            username="e2e_admin",
            name="王管理",
            role=StaffRole.ADMIN,
            password=PASSWORD,
            region_code=None,
            actor="system:test",
        )
        service.create_staff(
            session,
            username="e2e_coordinator",
            name="李协办",
            role=StaffRole.COORDINATOR,
            password=PASSWORD,
            region_code=None,
            actor="system:test",
        )
        suspended = session.execute(sa.select(Beneficiary).where(Beneficiary.name == "王德明")).scalar_one()
        open_item(
            session,
            kind=ReviewKind.EVIDENCE,
            person=suspended,
            method=CertificationMethod.STAFF_ONSITE,
            operator=SELF,
            now=utcnow(),
            note="home visit photos",
        )
    engine.dispose()
    with running_stack(work, stack_env(db_url, work)) as running:
        yield ConsoleStack(running.staff_url, "e2e_admin", "e2e_coordinator")


@pytest.fixture
def console_page(browser):
    context = browser.new_context(viewport={**PHONE_VIEWPORT, "width": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def small_phone_page(browser):
    context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def _sign_in(page, username: str) -> None:
    type_into(page, "console-username", username)
    type_into(page, "console-password", PASSWORD)
    tap(page, "console-sign-in")
    widget(page, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)


HOME_ENTRIES = (
    "worklist",
    "review",
    "changes",
    "mismatches",
    "attestations",
    "signoffs",
    "spotchecks",
    "cases",
    "stats",
    "death-reports",
    "cycle",
    "audit",
    "recovery",
    "payroll",
    "receipts-scan",
)


def _home_entries(page) -> set[str]:
    return {e for e in HOME_ENTRIES if page.locator(f'[flt-semantics-identifier="staff-home-{e}"]').count()}


def test_staff_app_on_a_phone_signs_in_to_the_home_of_the_role(
    small_phone_page, console_stack, shots
) -> None:
    """At 390×844: the sign-in screen, then a coordinator's home (their entries only), sign-out, and an
    administrator's home with every entry."""
    page = small_phone_page
    open_app(page, console_stack.web_url, "console-username")
    expect_text(page, "screen-title", "工作人员登录")
    shots(page, "signin")

    _sign_in(page, console_stack.coordinator)
    expect_text(page, "console-who", "李协办（协办员）")
    assert _home_entries(page) == {
        "worklist",
        "attestations",
        "signoffs",
        "spotchecks",
        "cases",
        "stats",
        "death-reports",
        "receipts-scan",
    }
    shots(page, "home-coordinator")

    tap(page, "console-sign-out")
    widget(page, "console-username").wait_for(state="attached", timeout=TIMEOUT_MS)
    _sign_in(page, console_stack.admin)
    expect_text(page, "console-who", "王管理（管理员）")
    expect_text(page, "staff-home-review", "待审核")
    assert _home_entries(page) == set(HOME_ENTRIES)
    shots(page, "home-admin")

    tap(page, "staff-home-stats")  # an entry opens its screen; back returns home
    _suspended(page)
    tap(page, "nav-back")
    widget(page, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)


# Each entry's screen title (zh-Hans), as the home screen's buttons open them.
ENTRY_TITLES = {
    "worklist": "上门工作清单",
    "review": "待审核",
    "mismatches": "比对",
    "attestations": "邻里互助",
    "signoffs": "待我签字",
    "spotchecks": "抽查",
    "cases": "核查案件",
    "stats": "统计",
    "cycle": "月度",
    "audit": "审计",
    "recovery": "追缴",
    "payroll": "代发",
    "changes": "信息变更",
    "death-reports": "死亡人员月报",
    "receipts-scan": "核验认证回执",
}


@pytest.mark.parametrize(
    "viewport", [SMALL_PHONE_VIEWPORT, {"width": 1280, "height": 800}], ids=["390x844", "1280x800"]
)
def test_every_staff_screen_opens_at_phone_and_desktop_size(browser, console_stack, shots, viewport) -> None:
    """An administrator opens every entry of the home screen and comes back: each screen shows its own title
    (photographed at this size), never the sign-in or the "not for your role" note."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    try:
        open_app(page, console_stack.web_url, "console-username")
        _sign_in(page, console_stack.admin)
        size = f"{viewport['width']}x{viewport['height']}"
        for entry in HOME_ENTRIES:
            reach(page, f"staff-home-{entry}")
            tap(page, f"staff-home-{entry}")
            expect_text(page, "screen-title", ENTRY_TITLES[entry])
            assert widget(page, "console-username").count() == 0
            shots(page, f"{entry}-{size}")
            tap(page, "nav-back")
            widget(page, "staff-home-heading").wait_for(state="attached", timeout=TIMEOUT_MS)
    finally:
        context.close()


def _suspended(page) -> int:
    widget(page, "console-stats-suspended").wait_for(state="attached", timeout=TIMEOUT_MS)
    expect_text(page, "console-stats-suspended", r"^\d+$")
    node = widget(page, "console-stats-suspended")
    return int((node.get_attribute("aria-label") or node.inner_text()).strip())


def test_sign_in_approve_run_month_and_see_statistics_change(console_page, console_stack, shots) -> None:
    page = console_page
    open_app(page, console_stack.web_url, "console-username")
    type_into(page, "console-username", console_stack.admin)
    type_into(page, "console-password", PASSWORD)
    shots(page, "login")
    tap(page, "console-sign-in")
    expect_text(page, "console-who", "王管理")
    tap(page, "staff-home-review")
    expect_text(page, "console-review-item-0", r"王\*明")

    tap(page, "console-nav-stats")
    suspended_before = _suspended(page)
    assert suspended_before >= 1  # 王德明 is suspended in the demo roster
    shots(page, "stats-before")

    tap(page, "console-nav-review")
    expect_text(page, "console-review-item-0", r"王\*明")
    tap(page, "console-review-open-0")  # an item without evidence files: approve is enabled at once
    expect_text(page, "console-review-case", r"王\*明")
    reach(page, "console-review-reason")  # below the item (a long screen): scrolled into the semantics tree
    type_into(page, "console-review-reason", "上门核实，本人健在")
    shots(page, "review")
    reach(page, "console-approve")
    tap(page, "console-approve")
    expect_text(page, "console-review-done", r"已通过：王\*明")
    expect_text(page, "console-review-count", "暂无待审核事项")

    tap(page, "console-nav-stats")
    expect_text(page, "console-stats-suspended", f"^{suspended_before - 1}$")  # approval resumed his payment
    shots(page, "stats-after-approval")

    tap(page, "console-nav-cycle")
    tap(page, "console-cycle-run")
    month = f"{agency_today():%Y-%m}"
    expect_text(page, "console-cycle-summary", f"{month}：检查 \\d+ 项，暂停 \\d+ 项")
    node = widget(page, "console-cycle-summary")
    summary = node.get_attribute("aria-label") or node.inner_text()
    newly = int(re.search(r"暂停 (\d+) 项", summary).group(1))
    shots(page, "cycle-run")

    tap(page, "console-nav-stats")
    expect_text(page, "console-stats-suspended", f"^{suspended_before - 1 + newly}$")
    shots(page, "stats-after-run")

    tap(page, "console-nav-cycle")
    tap(page, "console-cycle-run")
    expect_text(
        page, "console-cycle-summary", "暂停 0 项，恢复 0 项"
    )  # running a month twice changes nothing

    tap(page, "console-nav-audit")  # the audit viewer searches on opening and checks the whole hash chain
    expect_text(page, "console-audit-chain", r"哈希链校验通过（共校验 \d+ 条）")
    expect_text(page, "console-audit-count", r"找到 [1-9]\d* 条记录")
    shots(page, "audit")
