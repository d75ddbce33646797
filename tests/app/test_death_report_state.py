"""The death-report screen's state against the real API in-process (no UI): local checks in the staff
member's language (a month, complete rows, rows or none), a submitted report, and a refusal from the API
(the township consolidating while a village has not reported) shown from the catalog."""

from __future__ import annotations

import httpx

from app.staff.console_state import ConsoleState
from shared.cycle import agency_today
from shared.enums import StaffRole
from shared.i18n import Translator
from shared.months import YearMonth
from tests.api.factories import ensure_regions

ZH = Translator("zh-Hans")


async def _signed_in(client, session, username: str, region: str) -> ConsoleState:
    from api.auth import service

    ensure_regions(session, region)
    service.create_staff(
        session,
        username=username,
        name="月报",
        role=StaffRole.COORDINATOR,
        password="correct horse",
        region_code=region,
        actor="system:test",
    )
    session.commit()
    state = ConsoleState()
    transport = httpx.ASGITransport(app=client.app)
    assert await state.sign_in("http://test", username, "correct horse", transport=transport)
    return state


async def test_death_report_desk(client, session, make_person):
    ensure_regions(session, "110101001002")
    state = await _signed_in(client, session, "deaths_village", "110101001001")
    desk, api = state.deaths, state.client
    assert api is not None
    assert desk.month == str(YearMonth.of(agency_today()).prev())  # opens with last month

    desk.month = "2026-13"
    assert not await desk.submit(api)
    assert desk.message(ZH) == "月份格式不对，请按“年-月”填写，如 2026-11。"
    desk.month = str(YearMonth.of(agency_today()).plus(-2))
    assert not await desk.submit(api)
    assert desk.message(ZH) == "请填写本月死亡人员，或勾选“本月无死亡人员”。"
    desk.add_row()
    desk.rows[0].update(id_number="110101194801010011", name="某")
    assert not await desk.submit(api)  # no date of death
    assert desk.message(ZH) == "每一行都要填写身份证号码、姓名和死亡日期（年-月-日）。"

    person = make_person(name="孙故去", region_code="110101001001")
    session.commit()
    desk.rows[0].update(id_number=person.id_number, name=person.name, died_on=f"{desk.month}-02")
    assert await desk.submit(api), desk.message(ZH)
    assert desk.last_report is not None and len(desk.last_report.deaths) == 1
    desk.set_none(True)
    assert desk.rows == []
    assert await desk.submit(api)
    assert desk.last_report.none_this_month and desk.last_report.replaced == 1

    township = await _signed_in(client, session, "deaths_township", "110101001")
    tdesk = township.deaths
    tdesk.month = desk.month
    assert await tdesk.load(township.client)
    statuses = {u.unit: u.status.value for u in tdesk.units.units}
    assert statuses["village:110101001001"] == "reported_late"
    assert statuses["village:110101001002"] == "late"
    assert not await tdesk.consolidate(township.client, "110101001")
    assert tdesk.message(ZH).startswith("还有单位未报送本月月报")
    tdesk.accept_missing = True
    assert await tdesk.consolidate(township.client, "110101001"), tdesk.message(ZH)
    assert tdesk.consolidation is not None and tdesk.consolidation.missing == ["village:110101001002"]
