"""Health check when the database is down; the token bucket's arithmetic."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.core.limiter import TokenBucketLimiter
from api.core.settings import Environment, Settings
from api.main import create_app


def test_healthz_says_503_when_the_database_is_unreachable(tmp_path) -> None:
    settings = Settings(
        env=Environment.TEST,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        data_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as client:
        resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["error"] == "database_unavailable" and resp.json()["message"]


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
