"""Tokens can be revoked (issue 16, finding 13): sign-out, a password change and deactivation end every token
the account had, for staff and family helpers; the staff app's sign-out calls the server."""

from __future__ import annotations

from datetime import date

import httpx
import sqlalchemy as sa

from shared.enums import StaffRole
from shared.idnumber import make_id_number

PASSWORD = "correct horse"


def _login(client, username: str, password: str = PASSWORD, *, kind: str = "staff") -> dict[str, str]:
    resp = client.post(f"/api/v1/auth/{kind}/login", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _username(client, headers) -> str:
    return client.get("/api/v1/staff/me", headers=headers).json()["username"]


def test_logout_ends_every_token_of_the_account(client, make_staff) -> None:
    first = make_staff(StaffRole.REVIEWER)
    username = _username(client, first)
    second = _login(client, username)  # another device
    assert client.get("/api/v1/staff/me", headers=second).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    for headers in (first, second):
        resp = client.get("/api/v1/staff/me", headers=headers)
        assert resp.status_code == 401 and resp.json()["error"] == "token_revoked", resp.text
        assert client.get("/api/v1/review/items", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 401  # already signed out
    again = _login(client, username)
    assert client.get("/api/v1/staff/me", headers=again).status_code == 200


def test_password_change_ends_old_tokens(client, make_staff) -> None:
    old = make_staff(StaffRole.COORDINATOR)
    username = _username(client, old)
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not it", "new_password": "a new pass 123"},
        headers=old,
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "bad_credentials"
    assert client.get("/api/v1/staff/me", headers=old).status_code == 200  # nothing changed
    resp = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a new pass 123"},
        headers=old,
    )
    assert resp.status_code == 204, resp.text
    assert client.get("/api/v1/staff/me", headers=old).json()["error"] == "token_revoked"
    bad = client.post("/api/v1/auth/staff/login", json={"username": username, "password": PASSWORD})
    assert bad.status_code == 401
    new = _login(client, username, "a new pass 123")
    assert client.get("/api/v1/staff/me", headers=new).status_code == 200


def test_deactivation_ends_tokens_and_sign_in(client, make_staff) -> None:
    admin = make_staff(StaffRole.ADMIN)
    victim, victim_id = make_staff(StaffRole.REVIEWER, with_id=True)
    username = _username(client, victim)
    assert client.post(f"/api/v1/staff/{victim_id}/deactivate", headers=victim).status_code == 403
    assert client.post(f"/api/v1/staff/{victim_id}/deactivate", headers=admin).status_code == 204
    assert client.get("/api/v1/staff/me", headers=victim).status_code == 401
    assert (
        client.post("/api/v1/auth/staff/login", json={"username": username, "password": PASSWORD}).status_code
        == 401
    )
    assert client.post("/api/v1/staff/999999999/deactivate", headers=admin).status_code == 404


def test_regional_admin_cannot_deactivate_outside_their_region(client, make_staff) -> None:
    regional = make_staff(StaffRole.ADMIN, region_code="110101")
    _, national_id = make_staff(StaffRole.REVIEWER, with_id=True)
    assert client.post(f"/api/v1/staff/{national_id}/deactivate", headers=regional).status_code == 404


def test_helper_logout_and_password_change(client, session) -> None:
    number = make_id_number("110101", date(1971, 2, 3), 17)
    resp = client.post(
        "/api/v1/helpers",
        json={"id_number": number, "name": "帮办人", "phone": "13800000001", "password": PASSWORD},
    )
    assert resp.status_code == 201, resp.text
    first = _login(client, number, kind="helper")
    assert client.get("/api/v1/family/relatives", headers=first).status_code == 200
    resp = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another pass"},
        headers=first,
    )
    assert resp.status_code == 204
    assert client.get("/api/v1/family/relatives", headers=first).json()["error"] == "token_revoked"
    second = _login(client, number, "another pass", kind="helper")
    assert client.post("/api/v1/auth/logout", headers=second).status_code == 204
    assert client.get("/api/v1/family/relatives", headers=second).status_code == 401


def test_revocations_are_audited(client, session, make_staff) -> None:
    from api.audit import AuditEvent

    headers, staff_id = make_staff(StaffRole.REVIEWER, with_id=True)
    client.post("/api/v1/auth/logout", headers=headers)
    actions = session.execute(
        sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "staff_user", AuditEvent.entity_id == str(staff_id)
        )
    ).scalars()
    assert "auth.sign_out" in set(actions)


async def test_staff_app_sign_out_revokes_the_token(client, session) -> None:
    from api.auth import service
    from app.staff.console_state import ConsoleState

    service.create_staff(
        session,
        username="signout_user",
        name="Sign Out",
        role=StaffRole.REVIEWER,
        password=PASSWORD,
        region_code=None,
        actor="system:test",
    )
    session.commit()
    state = ConsoleState()
    transport = httpx.ASGITransport(app=client.app)
    assert await state.sign_in("http://test", "signout_user", PASSWORD, transport=transport)
    copied = {"Authorization": f"Bearer {state.client.token}"}
    assert client.get("/api/v1/staff/me", headers=copied).status_code == 200
    await state.sign_out()
    assert client.get("/api/v1/staff/me", headers=copied).status_code == 401
