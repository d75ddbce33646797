"""Health check when the database is down; the token bucket's arithmetic."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.core.limiter import TokenBucketLimiter
from api.core.settings import Environment, Settings
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


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    now = [100.0]
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.allow("a")[0] for _ in range(3)] == [True, True, True]
    allowed, wait = limiter.allow("a")
    assert not allowed and wait == 1
    assert limiter.allow("b")[0]  # another client has its own bucket
    now[0] += 1.0
    assert limiter.allow("a")[0]
    assert not limiter.allow("a")[0]
    now[0] += 10.0
    assert [limiter.allow("a")[0] for _ in range(4)] == [True, True, True, False]  # refill capped at burst


def test_rate_zero_disables_limiting() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=0, burst=1)
    assert all(limiter.allow("x")[0] for _ in range(100))


def test_forgets_least_recent_clients_beyond_max_keys() -> None:
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=1, max_keys=2)
    limiter.allow("a")
    limiter.allow("b")
    limiter.allow("c")  # evicts "a"
    assert limiter.allow("a")[0]  # a fresh bucket again


def test_database_outage_during_a_request_is_a_503_not_a_500(tmp_path) -> None:
    settings = Settings(
        env=Environment.TEST,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        data_dir=tmp_path,
        status_rate_per_minute=0,
    )
    with TestClient(create_app(settings)) as client:
        resp = client.post("/api/v1/status", json={"id_number": "11010119500308022X", "name": "李秀英"})
    assert resp.status_code == 503, resp.text
    assert resp.json()["error"] == "database_unavailable" and resp.headers["Retry-After"] == "5"
