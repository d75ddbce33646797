"""The payroll screen's state against the real API in-process (no UI): a month before its run is refused in
the staff member's language, after the run the fixed-width file downloads, a return line names its line
number when malformed, and a failure appears in the list after an upload."""

from __future__ import annotations

from datetime import date

import httpx
import sqlalchemy as sa

from app.staff.console_state import ConsoleState
from shared.enums import StaffRole
from shared.i18n import Translator

ZH = Translator("zh-Hans")


async def test_payroll_desk(client, session, make_person):
    from api.auth import service
    from api.beneficiaries.models import Entitlement
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.service import run_month
    from api.payroll import fixed_width
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    service.create_staff(
        session,
        username="payroll_desk",
        name="出纳",
        role=StaffRole.ADMIN,
        password="correct horse",
        region_code=None,
        actor="system:test",
    )
    person = make_person(name="郑和", birth=date(1950, 11, 16), certified_on=date(2024, 12, 2))
    ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)).scalar_one()
    ent.entitled_since = date(2020, 1, 1)
    session.commit()
    state = ConsoleState()
    transport = httpx.ASGITransport(app=client.app)
    assert await state.sign_in("http://test", "payroll_desk", "correct horse", transport=transport)
    desk, api = state.payroll, state.client
    assert api is not None

    desk.month = "2026-13"
    assert await desk.export(api, "txt") is None
    assert desk.message(ZH) == "请按 年-月 填写，例如 2026-11。"

    desk.month = "2026-11"
    assert await desk.export(api, "txt") is None  # not run yet
    assert desk.message(ZH) == "2026-11 的月度处理尚未运行，还没有可交银行的代发文件。"

    run_month(session, YearMonth(2026, 11), policy=PolicyTable(), region_paths=RegionPaths(), actor="t")
    session.commit()
    got = await desk.export(api, "txt")
    assert got is not None and got[0] == "payroll-2026-11.txt"
    (row,) = fixed_width.parse(got[1]).payroll.rows
    assert (row.action, row.entitlement_id) == ("SUSP", ent.id)

    assert not await desk.upload_return(api, "r.txt", b"R1\r\n")
    assert desk.message(ZH) == "回盘文件第 1 行格式不对，整个文件未导入。"
    line = b"R" + str(row.ref).zfill(20).encode() + row.id_number.encode() + b"FACCTCLSD"
    assert await desk.upload_return(api, "r.txt", line)
    assert desk.last_import is not None and desk.last_import.new_failures == 1
    assert [(f.entitlement_id, f.reason_code, f.amount_cents) for f in desk.failures] == [
        (ent.id, "ACCTCLSD", ent.monthly_cents)
    ]
    failure_id = desk.failures[0].id
    assert not await desk.resolve(api, failure_id)  # what was done must be said
    assert desk.message(ZH) == "请先写明处理说明（至少 2 个字），再标记为已处理。"
    desk.resolve_reason = " 更正账户后重发 "
    assert await desk.resolve(api, failure_id)
    assert desk.failures == [] and desk.resolved is not None and desk.resolved.id == failure_id
    assert desk.resolve_reason == ""
    desk.resolve_reason = "又点了一次"
    assert not await desk.resolve(api, failure_id)  # another desk resolved it meanwhile
    assert desk.message(ZH) == "这笔发放失败已处理过。"
    assert await desk.load_failures(api) and desk.failures == []
    await state.sign_out()
    assert state.payroll.failures == []
