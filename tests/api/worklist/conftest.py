"""Fixtures for the work list and home visits: fresh townships and villages per test (so tests sharing a
module database never see each other's people), staff accounts with a region, people placed in a village
with special-group flags, and dates relative to today (the tests hold on any day of the year)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shared.enums import RegionLevel, StaffRole
from tests.api.cert.conftest import make_helper  # noqa: F401 (a fixture: helper accounts)

_townships = itertools.count(1)


@dataclass(frozen=True)
class Area:
    """A township under the test county 110101 with two villages."""

    township: str
    villages: tuple[str, str]


@pytest.fixture
def new_area(session) -> Callable[[], Area]:
    from api.regions.models import Region
    from tests.api.factories import ensure_regions

    def make() -> Area:
        county = ensure_regions(session)
        number = next(_townships)
        township = f"{county}{100 + number:03d}"
        while session.get(Region, township) is not None:
            number = next(_townships)
            township = f"{county}{100 + number:03d}"
        session.add(
            Region(code=township, name=f"街道{township[-3:]}", level=RegionLevel.TOWNSHIP, parent_code=county)
        )
        villages = (f"{township}001", f"{township}002")
        for i, code in enumerate(villages, start=1):
            session.add(
                Region(
                    code=code,
                    name=f"第{i}社区{township[-3:]}",
                    level=RegionLevel.VILLAGE,
                    parent_code=township,
                )
            )
        session.commit()
        return Area(township, villages)

    return make


@dataclass(frozen=True)
class Staff:
    id: int
    headers: dict[str, str]
    name: str


@pytest.fixture
def make_region_staff(client, session) -> Callable[..., Staff]:
    """``make_region_staff(role, region_code)`` → a signed-in staff member of that region (None = country)."""
    from api.auth import service

    def make(role: StaffRole, region_code: str | None, *, name: str | None = None) -> Staff:
        username = f"w_{role.value}_{uuid.uuid4().hex[:8]}"
        staff = service.create_staff(
            session,
            username=username,
            name=name or f"工作人员{username[-4:]}",
            role=role,
            password="correct horse",
            region_code=region_code,
            actor="system:test",
        )
        session.commit()
        resp = client.post(
            "/api/v1/auth/staff/login", json={"username": username, "password": "correct horse"}
        )
        assert resp.status_code == 200, resp.text
        return Staff(staff.id, {"Authorization": f"Bearer {resp.json()['access_token']}"}, staff.name)

    return make


@pytest.fixture
def place(session, make_person):
    """``place(region, **person_kw, bedridden=…, lives_alone=…, severely_disabled=…)`` → a person in
    region."""

    def make(region: str, *, severely_disabled=False, bedridden=False, lives_alone=False, **kw):
        person = make_person(commit=False, **kw)
        person.region_code = region
        person.severely_disabled = severely_disabled
        person.bedridden = bedridden
        person.lives_alone = lives_alone
        session.commit()
        return person

    return make


def first_of_month(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class Births:
    """Birth dates that put an annual (birthday-month) window where a test needs it, relative to today."""

    def __init__(self, today: date) -> None:
        self.today = today

    def window_just_opened(self, age: int) -> date:
        """Born this month: the window opened on the 1st of this month, its deadline is ~11 months away."""
        return date(self.today.year - age, self.today.month, 1)

    def window_closing(self, age: int) -> date:
        """Born next month: the window ends this month (inside the 30-day reminder period)."""
        nxt = first_of_month(self.today, 1)
        return date(self.today.year - age, nxt.month, 1)

    def in_window_before_opened(self) -> date:
        """A day in the window before the one that just opened (200 days ago)."""
        return self.today - timedelta(days=200)

    def in_window_before_closing(self) -> date:
        """A day in the window before the one that is closing (400 days ago)."""
        return self.today - timedelta(days=400)


@pytest.fixture
def births() -> Births:
    from api.core.db import utcnow
    from shared.cycle import local_date

    return Births(local_date(utcnow(), None))
