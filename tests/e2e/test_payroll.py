"""The payroll file screen of the staff app in Chromium against a real API, at 390×844: an administrator
opens it from the home screen, downloads the month's fixed-width file for the bank (it reads back with its
trailer), uploads a return file in which the bank failed one payment, and sees that failure listed — its
own API + staff app on a freshly seeded demo database whose month has been run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.cycle import agency_today
from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import expect_text, open_app, reach, tap, type_into, widget

PASSWORD = "payroll e2e pass"


@dataclass(frozen=True)
class PayrollStack:
    web_url: str
    admin: str
    month: str
    work: Path


@pytest.fixture(scope="module")
def payroll_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PayrollStack]:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.service import run_month
    from shared.enums import StaffRole
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    work = tmp_path_factory.mktemp("payroll-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    month = YearMonth.of(agency_today())  # the month the screen opens with
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        service.create_staff(
            session,
            username="e2e_payroll",
            name="赵出纳",
            role=StaffRole.ADMIN,
            password=PASSWORD,
            region_code=None,
            actor="system:test",
        )
        report = run_month(
            session, month, policy=PolicyTable(), region_paths=RegionPaths(), actor="system:e2e"
        )
        assert report.suspended or report.resumed  # the demo roster has people overdue this month
    engine.dispose()
    with running_stack(work, stack_env(db_url, work)) as running:
        yield PayrollStack(running.staff_url, "e2e_payroll", str(month), work)


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def test_export_a_month_and_import_the_banks_return(phone_page, payroll_stack, shots) -> None:
    from api.payroll import fixed_width
    from shared.idnumber import mask_id

    page = phone_page
    open_app(page, payroll_stack.web_url, "console-username")
    type_into(page, "console-username", payroll_stack.admin)
    type_into(page, "console-password", PASSWORD)
    tap(page, "console-sign-in")
    widget(page, "staff-home-heading").wait_for(state="attached")
    reach(page, "staff-home-payroll")
    tap(page, "staff-home-payroll")
    expect_text(page, "screen-title", "银行代发文件")
    expect_text(page, "payroll-failures-empty", "暂无待处理的发放失败")
    shots(page, "payroll-screen")

    with page.expect_download() as download:
        tap(page, "payroll-txt")
    assert download.value.suggested_filename == f"payroll-{payroll_stack.month}.txt"
    parsed = fixed_width.parse(Path(download.value.path()).read_bytes())
    rows = parsed.payroll.rows
    assert rows and parsed.payroll.month == payroll_stack.month
    assert parsed.trailer["count"] == len(rows)
    expect_text(page, "payroll-result", f"已下载：payroll-{payroll_stack.month}.txt")

    failed, paid = rows[0], rows[1:]
    assert failed.action == "SUSP"  # the demo month's run suspends; nobody resumes
    lines = [b"R" + str(failed.ref).zfill(20).encode() + failed.id_number.encode() + b"FACCTCLSD"]
    lines += [b"R" + str(r.ref).zfill(20).encode() + r.id_number.encode() + b"P        " for r in paid]
    back = payroll_stack.work / "return.txt"
    back.write_bytes(b"\r\n".join(lines) + b"\r\n")
    reach(page, "payroll-upload")
    with page.expect_file_chooser() as chooser:
        tap(page, "payroll-upload")
    chooser.value.set_files(str(back))
    expect_text(page, "payroll-result", f"回盘共 {len(rows)} 行：成功 {len(paid)} 笔，失败 1 笔，新登记 1 笔")
    masked = mask_id(failed.id_number).replace("*", r"\*")
    reach(page, "payroll-failures")
    failure = page.locator('[flt-semantics-identifier^="payroll-failure-"]').first
    failure.wait_for(state="attached")
    ident = failure.get_attribute("flt-semantics-identifier") or ""
    yuan = f"{failed.monthly_cents // 100}.{failed.monthly_cents % 100:02d}"  # a suspension: the monthly sum
    expect_text(page, ident, rf"{masked}：{payroll_stack.month}.*{re.escape(yuan)} 元.*ACCTCLSD")
    failure.scroll_into_view_if_needed()
    shots(page, "payroll-failure")

    # the failure is dealt with (account corrected, paid again): it needs a word on what was done
    failure_id = ident.removeprefix("payroll-failure-")
    reach(page, f"payroll-resolve-{failure_id}")
    tap(page, f"payroll-resolve-{failure_id}")
    expect_text(page, "payroll-error", "请先写明处理说明")
    type_into(page, "payroll-resolve-reason", "已联系本人更正账户，重新发放")
    reach(page, f"payroll-resolve-{failure_id}")
    tap(page, f"payroll-resolve-{failure_id}")
    expect_text(page, "payroll-result", rf"已处理：{masked}")
    reach(page, "payroll-failures-empty")
    expect_text(page, "payroll-failures-empty", "暂无待处理的发放失败")
    shots(page, "payroll-resolved")
    _assert_resolved(payroll_stack, int(failure_id), "已联系本人更正账户，重新发放")


def _assert_resolved(stack: PayrollStack, failure_id: int, reason: str) -> None:
    import sqlalchemy as sa

    from api.audit import AuditEvent
    from api.core.db import make_engine
    from api.payroll.models import PaymentFailure

    engine = make_engine(f"sqlite:///{stack.work / 'lifecert.sqlite3'}")
    try:
        with engine.connect() as conn:
            state = conn.execute(
                sa.select(PaymentFailure.state).where(PaymentFailure.id == failure_id)
            ).scalar_one()
            event = conn.execute(
                sa.select(AuditEvent.reason, AuditEvent.actor).where(
                    AuditEvent.action == "payment_failure.resolve", AuditEvent.entity_id == str(failure_id)
                )
            ).one()
    finally:
        engine.dispose()
    assert state == "resolved"
    assert event.reason == reason and event.actor.startswith("staff:")
