"""The real Redis the shared rate limits are tested against (``LIFECERT_TEST_REDIS_URL``, default
``redis://127.0.0.1:6379``): skipped on a machine without it, a failure in CI. Each test uses its own key
prefix (``unique_prefix``) and removes its keys afterwards (``drop_prefix``)."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.shared_data import in_ci

DEFAULT_URL = "redis://127.0.0.1:6379"


def redis_url() -> str:
    import redis

    url = os.environ.get("LIFECERT_TEST_REDIS_URL", "").strip() or DEFAULT_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        msg = f"no Redis at {url} ({exc}): the shared rate-limit tests need one (LIFECERT_TEST_REDIS_URL)"
        if in_ci():
            pytest.fail(msg + " — in CI this is an error, not a skip")
        pytest.skip(msg)
    return url


def unique_prefix() -> str:
    return f"t{os.getpid()}-{uuid.uuid4().hex[:12]}"


def drop_prefix(url: str, prefix: str) -> int:
    """Delete the limiter's keys under ``prefix`` (the `limits` library stores them as
    ``LIMITS:LIMITER/<prefix>/<budget>/<key>/…``); the number deleted."""
    import redis

    client = redis.Redis.from_url(url)
    keys = [
        key
        for pattern in (f"LIMITS:LIMITER/{prefix}/*", f"LIMITS:{{LIMITER/{prefix}/*")  # plain, hash-tagged
        for key in client.scan_iter(match=pattern, count=1000)
    ]
    if keys:
        client.delete(*keys)
    client.close()
    return len(keys)
