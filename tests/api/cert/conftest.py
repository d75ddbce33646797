"""Fixtures for the certification API tests: accounts, tokens, and a client whose challenges use fixed
actions (allowed because these tests run with env=test)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest


@pytest.fixture
def cert_ctx(client):
    """The client's certification context (app.state.cert)."""
    return client.app.state.cert


def _fixed(client, actions: tuple[str, ...] | None) -> None:
    from api.core.context import configure
    from api.core.settings import CertificationSettings

    ctx = client.app.state.cert
    cert = CertificationSettings.model_validate({**ctx.cert.model_dump(), "challenge_fixed_actions": actions})
    configure(client.app, cert, ctx.engines)


@pytest.fixture
def fixed_actions(client) -> Callable[[tuple[str, ...] | None], None]:
    """``fixed_actions(("open_mouth", "blink"))`` fixes the actions of the next challenges (reset after)."""
    yield lambda actions: _fixed(client, actions)
    _fixed(client, None)


@pytest.fixture
def replays_allowed(client):
    """The same sample clip may be sent to several challenges (the replay refusal off), for tests about
    something else that certify with one recording more than once; restored after."""
    from api.core.context import configure

    ctx = client.app.state.cert
    configure(client.app, ctx.cert.model_copy(update={"refuse_replayed_frames": False}), ctx.engines)
    yield
    ctx = client.app.state.cert
    configure(client.app, ctx.cert.model_copy(update={"refuse_replayed_frames": True}), ctx.engines)


def new_key() -> str:
    return uuid.uuid4().hex


def confirm_reference(client, response, headers: dict[str, str]) -> None:
    """Confirm the reference face ``response`` (an enrolment's answer) as a second staff member with
    ``headers`` (the reference-face rule: a staff-added reference is used once confirmed)."""
    assert response.status_code == 201, response.text
    reference_id = response.json()["reference_id"]
    confirmed = client.post(f"/api/v1/onsite/references/{reference_id}/confirm", headers=headers)
    assert confirmed.status_code == 200, confirmed.text


@pytest.fixture
def make_helper(client, make_person) -> Callable[[], dict[str, str]]:
    """``make_helper()`` → Authorization headers of a new helper account (its holder is on the roll too)."""

    def factory() -> dict[str, str]:
        holder = make_person(name="赵六")
        resp = client.post(
            "/api/v1/helpers",
            json={
                "id_number": holder.id_number,
                "name": "赵六",
                "phone": "13800000000",
                "password": "helper pass",
            },
        )
        assert resp.status_code == 201, resp.text
        login = client.post(
            "/api/v1/auth/helper/login", json={"username": holder.id_number, "password": "helper pass"}
        )
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}

    return factory


@pytest.fixture(scope="session")
def face_engines():
    """One EngineHolder (and so one warmed FaceEngine) for every app of the test session."""
    from tests.shared_data import require_shared

    require_shared("faces", "videos")
    require_shared("models", "anti_spoofing")
    from api.core.engines import EngineHolder
    from api.core.settings import Environment, Settings

    holder = EngineHolder.for_settings(Settings(env=Environment.TEST))
    holder.get()
    return holder


@pytest.fixture
def face_client(client, face_engines):
    """The module's client with the session's face engine."""
    from api.core.context import configure

    configure(client.app, client.app.state.cert.cert, face_engines)
    return client
