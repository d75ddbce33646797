"""Monthly death reports in Chromium against a real API and the staff app, on the demo roster: the village
coordinator reports one death for a month long past (every deadline gone), the township's staff member sees
the village as reported late and its sibling as late, reminds the late units and consolidates without them
— the listed death stops the person's payment, as the consolidation's row says.

Screens are photographed at 390×844 (test-artifacts/e2e/).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from shared.cycle import agency_today
from shared.months import YearMonth
from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    DemoPerson,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, reach, tap, type_into, widget

PASSWORD = "lifecert-demo"
MONTH = YearMonth.of(agency_today()).plus(-2)


@dataclass(frozen=True)
class DeathStack:
    staff_url: str
    db_url: str
    person: DemoPerson  # 王德明, in demo-coordinator's village (多福巷社区)


@pytest.fixture(scope="module")
def death_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeathStack]:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.demo import DEMO_PEOPLE, seed_demo_staff
    from shared.enums import StaffRole

    work = tmp_path_factory.mktemp("death-reports-e2e")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo_staff(session)  # demo-coordinator (多福巷社区)
        service.create_staff(
            session,
            username="e2e-township",
            name="刘街道",
            role=StaffRole.COORDINATOR,
            password=PASSWORD,
            region_code="110101001",  # 东华门街道: 多福巷社区 and 银闸社区
            actor="system:test",
        )
    engine.dispose()
    person = next(DemoPerson(p.id_number, p.name) for p in DEMO_PEOPLE if p.name == "王德明")
    env = stack_env(db_url, work)
    with running_stack(work, env) as running:
        yield DeathStack(running.staff_url, db_url, person)


@pytest.fixture
def phone(browser):
    contexts = []

    def open_page():
        context = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, staff_url: str, username: str) -> None:
    open_app(page, staff_url, "console-username")
    type_into(page, "console-username", username, replace=True)
    type_into(page, "console-password", PASSWORD, replace=True)
    tap(page, "console-sign-in")
    widget(page, "staff-home-death-reports").wait_for(state="attached", timeout=TIMEOUT_MS)


def test_a_village_reports_a_death_and_the_township_consolidates_it(
    phone, death_stack: DeathStack, shots
) -> None:
    person = death_stack.person
    died_on = f"{MONTH}-09"

    clerk = phone()
    sign_in(clerk, death_stack.staff_url, "demo-coordinator")
    tap(clerk, "staff-home-death-reports")
    widget(clerk, "deaths-month").wait_for(state="attached", timeout=TIMEOUT_MS)
    type_into(clerk, "deaths-month", str(MONTH), replace=True)
    reach(clerk, "deaths-add-row")
    tap(clerk, "deaths-add-row")
    type_into(clerk, "deaths-row-0-id", person.id_number, replace=True)
    type_into(clerk, "deaths-row-0-name", person.name, replace=True)
    type_into(clerk, "deaths-row-0-date", died_on, replace=True)
    type_into(clerk, "deaths-row-0-note", "家属告知", replace=True)
    shots(clerk, "death-report-form-390x844")
    reach(clerk, "deaths-submit")
    tap(clerk, "deaths-submit")
    expect_text(clerk, "deaths-submitted", f"多福巷社区 {MONTH} 月报，共 1 人")

    township = phone()
    sign_in(township, death_stack.staff_url, "e2e-township")
    tap(township, "staff-home-death-reports")
    widget(township, "deaths-month").wait_for(state="attached", timeout=TIMEOUT_MS)
    type_into(township, "deaths-month", str(MONTH), replace=True)
    reach(township, "deaths-load")
    tap(township, "deaths-load")
    expect_text(township, "deaths-unit-village-110101001001", "多福巷社区：逾期报送")
    expect_text(township, "deaths-unit-village-110101001002", "银闸社区：逾期未报")
    reach(township, "deaths-remind")
    tap(township, "deaths-remind")
    expect_text(township, "deaths-reminded", "已提醒 2 个逾期单位")  # 银闸社区 and the township itself
    shots(township, "death-report-units-390x844")

    reach(township, "deaths-consolidate")
    tap(township, "deaths-consolidate")
    widget(township, "deaths-error").wait_for(state="attached", timeout=TIMEOUT_MS)
    expect_text(township, "deaths-error", "还有单位未报送本月月报")
    reach(township, "deaths-accept-missing")
    tap(township, "deaths-accept-missing")
    reach(township, "deaths-consolidate")
    tap(township, "deaths-consolidate")
    expect_text(township, "deaths-consolidated", "已汇总 东华门街道：1 个单位，1 人，停发 1 人")
    reach(township, "deaths-result-0")
    expect_text(township, "deaths-result-0", "已登记死亡，停发待遇")
    shots(township, "death-report-consolidated-390x844")

    _payment_stopped(death_stack.db_url, person.id_number)


def _payment_stopped(db_url: str, id_number: str) -> None:
    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary, Entitlement
    from api.core.db import make_engine, make_sessionmaker
    from shared.enums import PaymentState

    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            person = session.execute(
                sa.select(Beneficiary).where(Beneficiary.id_number == id_number)
            ).scalar_one()
            states = session.execute(
                sa.select(Entitlement.payment_state).where(Entitlement.beneficiary_id == person.id)
            ).scalars()
            assert person.deceased_on is not None
            assert set(states) == {PaymentState.STOPPED}
    finally:
        engine.dispose()
