"""The staff console's state and client against the real API in-process (no UI): sign in, review queue
approve, run a month, statistics change; a wrong password and a forbidden role show the server's message."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
import sqlalchemy as sa

from app.console_state import ConsoleState, valid_month
from shared.enums import CertificationMethod, StaffRole


@pytest.fixture
def staff(session):
    from api.auth import service

    made = {}
    for role in (StaffRole.ADMIN, StaffRole.COORDINATOR):
        name = f"console_{role.value}_{len(made)}_{id(made) % 10000}"
        service.create_staff(session, username=name, name=f"{role.value} user", role=role,
                             password="correct horse", region_code=None, actor="system:test")
        made[role] = name
    session.commit()
    return made


async def test_console_flow(client, session, make_person, staff):
    from api.beneficiaries.models import Entitlement
    from api.challenges.service import Operator
    from api.db import utcnow
    from api.review.models import ReviewKind
    from api.review.service import open_item

    person = make_person(name="郑成功", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
    overdue = make_person(name="郑和", birth=date(1950, 11, 16), certified_on=date(2024, 12, 2))
    for p in (person, overdue):
        ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
        ent.entitled_since = date(2020, 1, 1)
    open_item(session, kind=ReviewKind.EVIDENCE, person=person, method=CertificationMethod.STAFF_ONSITE,
              operator=Operator("self"), now=utcnow(), note="photos of the person at home")
    session.commit()
    transport = httpx.ASGITransport(app=client.app)

    wrong = ConsoleState()
    assert not await wrong.sign_in("http://test", staff[StaffRole.ADMIN], "wrong password")
    assert wrong.error and not wrong.signed_in

    state = ConsoleState()
    assert await state.sign_in("http://test", staff[StaffRole.ADMIN], "correct horse", transport=transport)
    assert state.staff.role is StaffRole.ADMIN
    assert await state.load_queue()
    item = next(i for i in state.queue if i.holder_name == "郑*功")
    assert await state.decide(item.review_id, approve=True, reason="evidence checked")
    assert state.last_decision == (True, "郑*功")
    assert all(i.review_id != item.review_id for i in state.queue)

    assert await state.load_stats()
    suspended_before = state.stats.suspended
    assert await state.run_month("2026-11")
    assert state.last_run.suspended >= 1
    assert any(c.change == "suspended" for c in state.last_run.changes)
    assert await state.load_stats()
    assert state.stats.suspended == suspended_before + state.last_run.suspended
    await state.sign_out()
    assert not state.signed_in

    coordinator = ConsoleState()
    assert await coordinator.sign_in("http://test", staff[StaffRole.COORDINATOR], "correct horse", transport=transport)
    assert not await coordinator.run_month("2026-11")
    assert "role" in coordinator.error
    await coordinator.sign_out()


def test_month_format():
    assert valid_month("2026-11") and valid_month(" 2026-01 ")
    assert not valid_month("2026-13") and not valid_month("26-11") and not valid_month("")
