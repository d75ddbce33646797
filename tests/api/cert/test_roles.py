"""Every staff endpoint of the API, called by every role (and by a helper and by nobody):
allowed roles get past the check, every other caller is refused. The table is built from the routes
themselves, so a new staff endpoint is covered the moment it is added."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from api.auth.deps import current_helper, current_staff
from api.main import ROUTERS
from shared.enums import StaffRole

ROLES = tuple(StaffRole)


def _walk(dependant):
    stack = [dependant]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.dependencies)


def guard(route: APIRoute) -> tuple[str, frozenset[StaffRole]] | None:
    """("staff", allowed roles) or ("helper", ∅) for protected routes; None for public ones."""
    calls = [d.call for d in _walk(route.dependant)]
    for call in calls:
        allowed = getattr(call, "allowed_roles", None)
        if allowed is not None:
            return "staff", frozenset(allowed)
    if current_staff in calls:
        return "staff", frozenset(ROLES)
    if current_helper in calls:
        return "helper", frozenset()
    return None


ROUTES = [
    (method, route.path, guard(route))
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]
STAFF_ROUTES = [(m, p, g[1]) for m, p, g in ROUTES if g and g[0] == "staff"]
HELPER_ROUTES = [(m, p) for m, p, g in ROUTES if g and g[0] == "helper"]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


def call(client, method: str, path: str, headers: dict[str, str]):
    kwargs = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
    return client.request(method, concrete(path), headers=headers, **kwargs)


def test_the_table_covers_the_staff_and_helper_endpoints() -> None:
    paths = {p for _, p, _ in STAFF_ROUTES}
    assert {
        "/api/v1/review/items",
        "/api/v1/review/items/{review_id}/decision",
        "/api/v1/attestations",
        "/api/v1/onsite/challenges",
        "/api/v1/onsite/references",
        "/api/v1/staff",
    } <= paths
    assert ("POST", "/api/v1/family/relatives") in HELPER_ROUTES
    decision = next(r for m, p, r in STAFF_ROUTES if p.endswith("/decision"))
    assert decision == {StaffRole.REVIEWER, StaffRole.ADMIN}


@pytest.fixture(scope="module")
def tokens(module_settings):
    """Headers per caller kind: one staff member per role, one helper, and none (the accounts are in the
    module's template, so in every test's database)."""
    from datetime import date

    from fastapi.testclient import TestClient

    from api.auth import service
    from api.core.db import make_sessionmaker, session_scope
    from api.institutions.models import Institution, InstitutionAdmin
    from api.main import create_app
    from shared.idnumber import make_id_number

    headers: dict[str, dict[str, str]] = {"none": {}}
    with TestClient(create_app(module_settings)) as client:
        with session_scope(make_sessionmaker(client.app.state.engine)) as session:
            for role in ROLES:
                staff = service.create_staff(
                    session,
                    username=f"roles_{role.value}",
                    name=role.value,
                    role=role,
                    password="role password",
                    region_code=None,
                    actor="system:test",
                )
                if role is StaffRole.UNIT_ADMIN:  # a unit admin administers an institution
                    unit = Institution(name="角色测试单位")
                    session.add(unit)
                    session.flush()
                    session.add(InstitutionAdmin(staff_id=staff.id, institution_id=unit.id))
        for role in ROLES:
            resp = client.post(
                "/api/v1/auth/staff/login",
                json={"username": f"roles_{role.value}", "password": "role password"},
            )
            headers[role.value] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        number = make_id_number("110101", date(1980, 1, 1), 777)
        assert (
            client.post(
                "/api/v1/helpers",
                json={
                    "id_number": number,
                    "name": "帮手",
                    "phone": "13900000000",
                    "password": "helper password",
                },
            ).status_code
            == 201
        )
        resp = client.post(
            "/api/v1/auth/helper/login", json={"username": number, "password": "helper password"}
        )
        headers["helper"] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
    headers["forged"] = {"Authorization": "Bearer c3RhZmY6MTo5OTk5OTk5OTk5.AAAA"}
    return headers


@pytest.mark.parametrize(
    ("method", "path", "allowed"), STAFF_ROUTES, ids=[f"{m} {p}" for m, p, _ in STAFF_ROUTES]
)
def test_staff_route_admits_exactly_its_roles(client, tokens, method, path, allowed) -> None:
    for role in ROLES:
        status = call(client, method, path, tokens[role.value]).status_code
        if role in allowed:
            assert status not in (401, 403), f"{role.value} refused on {method} {path}"
        else:
            assert status == 403, f"{role.value} admitted on {method} {path} ({status})"
    assert call(client, method, path, tokens["helper"]).status_code == 403
    assert call(client, method, path, tokens["none"]).status_code == 401
    assert call(client, method, path, tokens["forged"]).status_code == 401


@pytest.mark.parametrize(("method", "path"), HELPER_ROUTES, ids=[f"{m} {p}" for m, p in HELPER_ROUTES])
def test_helper_route_refuses_staff_and_anonymous(client, tokens, method, path) -> None:
    assert call(client, method, path, tokens["helper"]).status_code not in (401, 403)
    for role in ROLES:
        assert call(client, method, path, tokens[role.value]).status_code == 403
    assert call(client, method, path, tokens["none"]).status_code == 401


def test_expired_token_is_refused(client, tokens) -> None:
    from datetime import UTC, datetime, timedelta

    from api.auth import tokens as bearer

    key = client.app.state.settings.secret_key
    old = bearer.issue(
        bearer.PrincipalKind.STAFF, 1, ttl=timedelta(minutes=1), now=datetime.now(UTC) - timedelta(hours=1)
    )
    resp = client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {bearer.encode(old, key=key)}"})
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_token"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, tokens) -> None:
    wrong = client.post("/api/v1/auth/staff/login", json={"username": "roles_admin", "password": "nope nope"})
    unknown = client.post(
        "/api/v1/auth/staff/login", json={"username": "nobody_here", "password": "nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
