"""Health check and lookups when the database is down."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.core.settings import Environment, LimitSettings, Settings
from api.main import create_app


def test_readyz_says_503_when_the_database_is_unreachable_while_healthz_stays_alive(tmp_path) -> None:
    settings = Settings(
        env=Environment.TEST,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        data_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503 and ready.headers["Retry-After"] == "5"
    body = ready.json()
    assert body["error"] == "not_ready" and body["retry_after_seconds"] == 5
    assert [(d["field"], d["code"]) for d in body["details"]] == [("database", "unavailable")]
    # liveness does not depend on the database: restarting a replica cannot bring the database back
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}


def test_readyz_says_503_when_the_data_directory_is_not_writable(tmp_path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    url = f"sqlite:///{tmp_path}/db.sqlite"
    settings = Settings(env=Environment.TEST, database_url=url, data_dir=blocker)
    with TestClient(create_app(settings)) as client:
        resp = client.get("/readyz")
    assert resp.status_code == 503
    assert [(d["field"], d["code"]) for d in resp.json()["details"]] == [("storage", "unavailable")]


def test_readyz_waits_for_the_face_models_outside_test_mode(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    settings = Settings(env=Environment.TEST, database_url=url, data_dir=tmp_path)
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/readyz").json()["models"] == "lazy"  # tests load the models on first use
        app.state.settings = settings.model_copy(update={"env": Environment.DEVELOPMENT})
        resp = client.get("/readyz")
    assert resp.status_code == 503
    assert [(d["field"], d["code"]) for d in resp.json()["details"]] == [("models", "loading")]


def test_database_outage_during_a_request_is_a_503_not_a_500(tmp_path) -> None:
    settings = Settings(
        env=Environment.TEST,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        data_dir=tmp_path,
        limits=LimitSettings(enabled=False),
    )
    with TestClient(create_app(settings)) as client:
        resp = client.post("/api/v1/status", json={"id_number": "11010119500308022X", "name": "李秀英"})
    assert resp.status_code == 503, resp.text
    assert resp.json()["error"] == "database_unavailable" and resp.headers["Retry-After"] == "5"
