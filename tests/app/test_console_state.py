"""The staff console's state and client against the real API in-process (no UI): sign in, review queue
approve, run a month, statistics change; a wrong password and a forbidden role show the server's message."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
import sqlalchemy as sa

from app.staff.console_state import ConsoleState, valid_month
from shared.cycle import agency_today
from shared.enums import CertificationMethod, StaffRole
from shared.i18n import Translator
from tests.api.audit_attack import guard_off
from tests.app.english import english_runs

ZH = Translator("zh-Hans")


def assert_chinese(text: str) -> bool:
    """No run of three English words (an English sentence leaking into a Chinese screen)."""
    assert not english_runs(text), text
    return True


@pytest.fixture
def staff(session):
    from api.auth import service

    made = {}
    for role in (StaffRole.ADMIN, StaffRole.COORDINATOR):
        name = f"console_{role.value}_{len(made)}_{id(made) % 10000}"
        service.create_staff(
            session,
            username=name,
            name=f"{role.value} user",
            role=role,
            password="correct horse",
            region_code=None,
            actor="system:test",
        )
        made[role] = name
    session.commit()
    return made


async def test_console_flow(client, session, make_person, staff):
    from api.beneficiaries.models import Entitlement
    from api.core.db import utcnow
    from api.core.operator import SELF
    from api.review.models import ReviewKind
    from api.review.service import open_item

    person = make_person(name="郑成功", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
    overdue = make_person(name="郑和", birth=date(1950, 11, 16), certified_on=date(2024, 12, 2))
    for p in (person, overdue):
        ent = session.execute(sa.select(Entitlement).where(Entitlement.beneficiary_id == p.id)).scalar_one()
        ent.entitled_since = date(2020, 1, 1)
    open_item(
        session,
        kind=ReviewKind.EVIDENCE,
        person=person,
        method=CertificationMethod.STAFF_ONSITE,
        operator=SELF,
        now=utcnow(),
        note="photos of the person at home",
    )
    session.commit()
    transport = httpx.ASGITransport(app=client.app)

    wrong = ConsoleState()
    assert not await wrong.sign_in("http://test", staff[StaffRole.ADMIN], "wrong password")
    assert wrong.error and not wrong.signed_in
    bad = ConsoleState()  # a wrong password: the family and the console both answer in Chinese
    assert not await bad.sign_in("http://test", staff[StaffRole.ADMIN], "wrong password", transport=transport)
    assert bad.error_key == "error.bad_credentials"
    assert bad.message(Translator("zh-Hans")) == "用户名或密码不对，请再试一次。"

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
    assert await coordinator.sign_in(
        "http://test", staff[StaffRole.COORDINATOR], "correct horse", transport=transport
    )
    assert not await coordinator.run_month("2026-11")
    assert coordinator.error_key == "error.forbidden"
    await coordinator.sign_out()


def test_month_format():
    assert valid_month("2026-11") and valid_month(" 2026-01 ")
    assert not valid_month("2026-13") and not valid_month("26-11") and not valid_month("")


@pytest.fixture
def reviewer_state(client, session):
    """A signed-in admin console state against the in-process API (admins may do everything here)."""
    from api.auth import service

    name = f"console_admin2_{id(session) % 100000}"
    service.create_staff(
        session,
        username=name,
        name="审核人",
        role=StaffRole.ADMIN,
        password="correct horse",
        region_code=None,
        actor="system:test",
    )
    session.commit()
    return name, httpx.ASGITransport(app=client.app)


async def test_feed_mismatch_apply_and_dismiss(session, make_person, reviewer_state, tmp_path):
    from api.beneficiaries.models import Certification
    from api.comparison.models import FeedKind
    from api.comparison.service import import_feed
    from tests.api.backoffice.helpers import feed_ctx, write_csv

    same = make_person(name="林秀英", birth=date(1951, 5, 1))
    other = make_person(name="林国强", birth=date(1951, 5, 2))
    today = agency_today()
    f = write_csv(
        tmp_path / "sol.csv",
        ["id_number", "name", "event_date", "source"],
        [
            [same.id_number, "林秀瑛", today.isoformat(), "hospital"],
            [other.id_number, "李国强", today.isoformat(), "hospital"],
        ],
    )
    assert import_feed(session, FeedKind.SIGN_OF_LIFE, f, ctx=feed_ctx(today=today)).mismatched == 2
    session.commit()
    name, transport = reviewer_state
    state = ConsoleState()
    assert await state.sign_in("http://test", name, "correct horse", transport=transport)
    assert await state.load_mismatches()
    mine = {m.roll_name: m for m in state.mismatches if m.roll_name in ("林秀英", "林国强")}
    assert {m.feed_name for m in mine.values()} == {"林秀瑛", "李国强"}
    assert "*" in mine["林秀英"].id_number_masked

    assert not await state.decide_mismatch(mine["林秀英"].id, apply=True, reason=" x ")  # reason too short
    assert state.error_key == "problem.reason_too_short" and len(state.mismatches) >= 2
    assert state.message(ZH) == "请写明原因（至少 3 个字）。"

    assert await state.decide_mismatch(mine["林秀英"].id, apply=True, reason="电话核实为同一人")
    assert state.last_mismatch.status == "applied"
    assert await state.decide_mismatch(mine["林国强"].id, apply=False, reason="不是同一人")
    assert state.last_mismatch.status == "dismissed"
    assert all(m.id not in (mine["林秀英"].id, mine["林国强"].id) for m in state.mismatches)
    session.expire_all()
    certified = {
        pid
        for (pid,) in session.execute(
            sa.select(Certification.beneficiary_id).where(
                Certification.beneficiary_id.in_([same.id, other.id])
            )
        )
    }
    assert certified == {same.id}  # applied → certified; dismissed → nothing

    assert not await state.decide_mismatch(mine["林国强"].id, apply=True, reason="second thoughts")
    assert state.error_key == "error.cannot_apply"
    await state.sign_out()


async def test_spot_check_draw_and_record_outcomes(session, make_person, reviewer_state):
    from api.beneficiaries.models import Certification
    from tests.api.backoffice.conftest import ensure_tree

    tree = ensure_tree(session)
    for town, villages in tree.items():
        for i, village in enumerate(villages):
            p = make_person(name=f"抽{town[-1]}{i}", birth=date(1944, 1 + i, 1 + int(town[-1])))
            p.region_code = village
            session.add(
                Certification(
                    beneficiary_id=p.id,
                    window_start=date(2026, 1, 1),
                    window_end=date(2026, 12, 31),
                    method=CertificationMethod.SELF_FACE,
                    operator_kind="self",
                    result="passed",
                    evidence=[],
                    certified_at=sa.func.now(),
                    local_date=date(2026, 8, 3),
                )
            )
    session.commit()
    name, transport = reviewer_state
    state = ConsoleState()
    assert await state.sign_in("http://test", name, "correct horse", transport=transport)
    assert not await state.draw_spot_check("2026-H3", "110101")  # refused before any request
    assert state.error_key == "error.validation_error" and state.spot_check is None
    assert "半年度：格式不对" in state.message(ZH)
    assert not await state.draw_spot_check("2026-h2", "110101", townships=1)
    assert "乡镇（街道）数：不能小于 2" in state.message(ZH)
    assert not await state.draw_spot_check("2026-h2", "1", townships=2)  # refused here: a code + the field
    assert_chinese(state.message(ZH)) and "地区编码：至少要 2 个字" in state.message(ZH)
    assert not await state.draw_spot_check("2026-h2", "110101", townships=9)  # refused by the API
    assert state.error_key == "error.too_few_townships"
    assert re.fullmatch(r"地区 110101 下只有 \d 个乡镇（街道），抽查需要 9 个。", state.message(ZH))
    assert not await state.record_outcome(1, "confirmed")  # nothing open yet
    assert await state.draw_spot_check(" 2026-h2 ", "110101", per_village=1)
    check = state.spot_check
    assert (check.half_year, len(check.townships), len(check.villages), len(check.items)) == (
        "2026-H2",
        2,
        4,
        4,
    )
    assert state.spot_progress == (0, 4)
    first = check.items[0]
    assert await state.record_outcome(first.id, "confirmed", "本人在家")
    assert not await state.record_outcome(first.id, "maybe")
    assert state.spot_progress == (1, 4)
    assert next(i for i in state.spot_check.items if i.id == first.id).outcome == "confirmed"
    # the same half year and region again: the same sample, outcomes kept
    assert await state.draw_spot_check("2026-H2", "110101", per_village=1)
    assert [i.id for i in state.spot_check.items] == [i.id for i in check.items]
    assert state.spot_progress == (1, 4)
    assert await state.open_spot_check(check.id) and state.spot_check.id == check.id
    await state.sign_out()
    assert state.spot_check is None


async def test_audit_viewer_search_and_chain(session, make_person, reviewer_state):
    from api import audit

    p = make_person(name="审计甲", birth=date(1949, 9, 9))
    audit.record(
        session,
        actor="staff:audit-test",
        action="beneficiary.update",
        entity_type="beneficiary",
        entity_id=p.id,
        after={"phone": "139"},
    )
    session.commit()
    name, transport = reviewer_state
    state = ConsoleState()
    assert await state.sign_in("http://test", name, "correct horse", transport=transport)
    assert not await state.search_audit(date_from="2026-13-01")
    assert state.error_key == "problem.dates" and state.audit is None
    assert await state.search_audit(id_number=p.id_number.lower())
    assert state.audit.chain_ok and state.audit.chain_checked >= 1
    assert any(e.action == "beneficiary.update" for e in state.audit.events)
    assert await state.search_audit(actor="staff:audit-test", date_from=f"{agency_today():%Y-%m-%d}")
    assert [e.action for e in state.audit.events] == ["beneficiary.update"]
    assert await state.search_audit(actor="staff:audit-test", date_to="2000-01-01")
    assert state.audit.events == []
    # a tampered event: the viewer says the chain does not verify
    with guard_off(session, commit=True):  # the append-only triggers dropped by a database owner
        session.execute(
            sa.update(audit.AuditEvent)
            .where(audit.AuditEvent.actor == "staff:audit-test")
            .values(reason="edited afterwards")
        )
    assert await state.search_audit(actor="staff:audit-test")
    assert not state.audit.chain_ok and state.audit.chain_problem
    with guard_off(session, commit=True):  # put it back: the module's database is shared
        session.execute(
            sa.update(audit.AuditEvent)
            .where(audit.AuditEvent.actor == "staff:audit-test")
            .values(reason=None)
        )
    assert audit.verify_chain(session).ok
    await state.sign_out()


def test_half_year_and_date_formats():
    from app.staff.console_state import valid_date, valid_half_year
    from app.staff.screens.spotchecks import this_half_year

    assert valid_half_year("2026-H1") and valid_half_year(" 2026-h2 ")
    assert not valid_half_year("2026-H3") and not valid_half_year("2026H1")
    assert valid_date("2026-11-01") and not valid_date("2026-11-31") and not valid_date("20261101")
    assert this_half_year(date(2026, 6, 30)) == "2026-H1" and this_half_year(date(2026, 7, 1)) == "2026-H2"


async def test_a_refusal_with_a_catalog_code_names_its_key(client, session, make_person, staff):
    from api.auth.models import StaffUser
    from api.core.db import utcnow
    from api.core.operator import Operator
    from api.review.models import ReviewKind
    from api.review.service import open_item

    admin_id = session.execute(
        sa.select(StaffUser.id).where(StaffUser.username == staff[StaffRole.ADMIN])
    ).scalar_one()
    person = make_person(name="郑上门")
    item = open_item(
        session,
        kind=ReviewKind.FACE,
        person=person,
        method=CertificationMethod.STAFF_ONSITE,
        operator=Operator("staff", admin_id),
        now=utcnow(),
        reason_code="low_similarity",
    )
    session.commit()
    state = ConsoleState()
    transport = httpx.ASGITransport(app=client.app)
    assert await state.sign_in("http://test", staff[StaffRole.ADMIN], "correct horse", transport=transport)
    assert not await state.decide(item.public_id, approve=True, reason="I visited her myself")
    assert state.error_key == "error.same_staff" and state.error
    assert await state.load_queue() and state.error_key is None
