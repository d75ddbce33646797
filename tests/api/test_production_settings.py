"""Production settings are checked at start (issue 16, finding 11): a short, low-entropy or
development-derived secret, a SQLite database and public API docs are refused; demo staff accounts neither
sign in nor let the API start in production."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.core.settings import DEV_SECRET_KEY, Environment, Settings, secret_problem

GOOD_SECRET = "Qm7vR2xK9pL4wN8sT1yB6cF3hJ0dG5zE"
PG = "postgresql+psycopg://lifecert@127.0.0.1:5432/lifecert"


KEYS = {
    "audit": {"key": "an audit key of at least 32 characters"},
    "storage": {"encryption_key": "a storage key of at least 32 characters"},
}


def production(**values) -> Settings:
    return Settings(
        env=Environment.PRODUCTION, **{"secret_key": GOOD_SECRET, "database_url": PG, **KEYS, **values}
    )


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("a" * 16, "development|shorter"),
        ("a" * 64, "not random"),
        ("abcd" * 16, "not random"),
        ("0123456789" * 2, "shorter"),
        (DEV_SECRET_KEY + " ", "development"),
        (" " + DEV_SECRET_KEY.upper(), "development"),
        (DEV_SECRET_KEY + "-2026-prod-extra-words", "development"),
        ("Dev_Insecure_Secret_Key_Change_Me!!", "development"),
    ],
)
def test_weak_secrets_refused_in_production(secret: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        production(secret_key=secret)


def test_random_secrets_accepted() -> None:
    for secret in (secrets.token_urlsafe(32), secrets.token_hex(32), GOOD_SECRET):
        assert secret_problem(secret) is None, secret
        assert production(secret_key=secret).is_production


def test_sqlite_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        production(database_url="sqlite:///var/lifecert.sqlite3")
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(env=Environment.PRODUCTION, secret_key=GOOD_SECRET, **KEYS)  # the default SQLite file


def test_weak_settings_still_fine_outside_production() -> None:
    assert Settings(env=Environment.DEVELOPMENT).secret_key == DEV_SECRET_KEY


def test_docs_off_in_production_unless_enabled() -> None:
    from api.main import create_app

    closed = TestClient(create_app(production()))
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert closed.get(path).status_code == 404, path
    opened = TestClient(create_app(production(api_docs=True)))
    assert opened.get("/openapi.json").status_code == 200
    assert opened.get("/docs").status_code == 200


def test_docs_on_in_development(settings) -> None:
    from api.main import create_app

    assert TestClient(create_app(settings)).get("/openapi.json").status_code == 200


@pytest.mark.postgres
def test_demo_accounts_refused_in_production(settings, session) -> None:
    """Against PostgreSQL (production needs it): the demo admin signs in in development, not in production,
    and a production API does not start while demo accounts exist."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("production runs on PostgreSQL only")
    from api.auth.demo_accounts import DEMO_STAFF_PASSWORD
    from api.demo import DEMO_STAFF_USERNAME, seed_demo_staff
    from api.main import create_app

    seed_demo_staff(session)
    session.commit()
    login = {"username": DEMO_STAFF_USERNAME, "password": DEMO_STAFF_PASSWORD}
    with TestClient(create_app(settings)) as dev:
        assert dev.post("/api/v1/auth/staff/login", json=login).status_code == 200
    prod = production(database_url=settings.database_url, data_dir=settings.data_dir, limits=settings.limits)
    app = create_app(prod)
    no_lifespan = TestClient(app)  # sign-in is refused even if the start-up check were skipped
    resp = no_lifespan.post("/api/v1/auth/staff/login", json=login)
    assert resp.status_code == 401 and resp.json()["error"] == "bad_credentials"
    with pytest.raises(RuntimeError, match="demo staff accounts exist"), TestClient(app):
        pass
