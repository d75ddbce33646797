"""The tip-off form, its lookup and the staff case desk against the real API in-process (no UI): local
checks refuse an incomplete form before anything is sent; a sent tip-off's reference and code find it; a
coordinator takes it, notes and closes it from the desk; the lookup then shows the outcome."""

from __future__ import annotations

import httpx

from app.citizen.tipoff import TipoffCheck, TipoffForm
from app.common.api_client import ApiClient
from app.staff.console_state import ConsoleState
from shared.enums import StaffRole
from shared.i18n import Translator

ZH = Translator("zh-Hans")


async def test_tipoff_from_form_to_closed_case(client, session, make_person):
    from api.auth import service

    service.create_staff(
        session,
        username="tipoff_desk",
        name="孙协办",
        role=StaffRole.COORDINATOR,
        password="correct horse",
        region_code=None,
        actor="system:test",
    )
    session.commit()
    person = make_person(name="钱多多")
    transport = httpx.ASGITransport(app=client.app)
    api = ApiClient("http://test", transport=transport)

    form = TipoffForm(name="钱多多", description="太短")
    assert not await form.submit(api) and form.notice.key == "tipoff.problem.description"
    assert form.notice.render(ZH) == "情况说明至少写 10 个字。"
    form = TipoffForm(name="钱多多", id_number="12345", description="老人去年已经去世，还在领钱。")
    assert not await form.submit(api) and form.notice.key == "tipoff.problem.id"
    form.id_number = person.id_number
    assert await form.submit(api)
    receipt = form.receipt
    assert receipt is not None and len(receipt.reference) == 8

    check = TipoffCheck(reference="1234", code="x")
    assert not await check.submit(api) and check.notice.key == "tipoff.lookup.problem"
    check = TipoffCheck(reference="1999 9999", code="ABCDEFGH")
    assert not await check.submit(api)
    assert check.notice.render(ZH) == "没有找到这条举报，请核对受理编号和查询码。"
    check = TipoffCheck(
        reference=f"{receipt.reference[:4]} {receipt.reference[4:]}", code=receipt.lookup_code.lower()
    )
    assert await check.submit(api) and check.result.state == "open" and check.result.outcome is None

    staff = ConsoleState()
    assert await staff.sign_in("http://test", "tipoff_desk", "correct horse", transport=transport)
    desk = staff.cases
    assert await desk.load(staff.client)
    mine = next(c for c in desk.cases if c.reference == receipt.reference)
    assert await desk.open(staff.client, mine.id)
    assert await desk.assign_to_me(staff.client) and desk.current.state == "assigned"
    assert not await desk.add_note(staff.client, "  ") and desk.problem_key == "console.cases.problem.note"
    assert await desk.add_note(staff.client, "已上门核实") and desk.current.state == "investigating"
    assert (
        not await desk.close(staff.client, "本人健在") and desk.problem_key == "console.cases.problem.outcome"
    )
    desk.outcome = "confirmed_deceased"  # a coordinator may not: the API refuses, in Chinese
    assert not await desk.close(staff.client, "已死亡", "2026-08-01")
    assert desk.error_key == "error.forbidden" and desk.message(ZH)
    desk.outcome = "confirmed_alive"
    assert await desk.close(staff.client, "本人健在，举报不实")
    assert desk.current.state == "closed" and desk.current.outcome == "confirmed_alive"
    assert await desk.load(staff.client, "closed")
    assert any(c.reference == receipt.reference for c in desk.cases)
    await staff.sign_out()

    assert await check.submit(api)
    assert (check.result.state, check.result.outcome) == ("closed", "confirmed_alive")
    await api.aclose()
