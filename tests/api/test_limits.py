"""The one rate limiter (api/core/limiter.py) behind the API, with its counts in memory and in the real Redis:
every public lookup of a person shares one budget per client and one per person (finding 5: guessing a
relative's name on ``POST /api/v1/family/relatives`` is limited, 404s count), failed sign-ins are throttled
per account and per client, X-Forwarded-For is believed only from a configured trusted proxy (finding 2),
and an unreachable Redis gives 503 with Retry-After, never 500 and never unlimited."""

from __future__ import annotations

import pytest

from api.core.client_address import client_address
from api.core.settings import LimitSettings
from tests.redis_support import drop_prefix, redis_url, unique_prefix

STATUS = "/api/v1/status"
BIND = "/api/v1/family/relatives"


@pytest.fixture(params=["memory", "redis"])
def limits(request):
    """``limits(**rules)`` → LimitSettings on this storage (Redis: a key prefix of its own, removed after)."""
    if request.param == "memory":
        yield lambda **rules: LimitSettings(**rules)
        return
    url = redis_url()
    prefix = unique_prefix()
    yield lambda **rules: LimitSettings(storage_uri=url, key_prefix=prefix, **rules)
    drop_prefix(url, prefix)


PROXY = "10.0.0.2"  # the test client's socket address where a test configures it as a trusted proxy


@pytest.fixture
def behind_proxy(settings):
    """``behind_proxy(limits)`` → a TestClient whose peer is a trusted proxy (X-Forwarded-For believed)."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    opened: list[TestClient] = []

    def factory(limit_settings: LimitSettings) -> TestClient:
        app = create_app(settings.model_copy(update={"limits": limit_settings, "trusted_proxies": (PROXY,)}))
        c = TestClient(app, client=(PROXY, 50000))
        c.__enter__()
        opened.append(c)
        return c

    yield factory
    for c in opened:
        c.__exit__(None, None, None)


# --- the client's address ---------------------------------------------------------------------------


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() -> None:
    assert client_address("203.0.113.5", ["1.2.3.4"], ()) == "203.0.113.5"
    assert client_address("127.0.0.1", ["1.2.3.4"], ()) == "127.0.0.1"  # loopback is not trusted by default
    assert client_address("203.0.113.5", ["1.2.3.4"], ("10.0.0.0/8",)) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() -> None:
    trusted = ("10.0.0.0/8", "192.0.2.7/32")
    # the client wrote "6.6.6.6" itself; the proxies appended 198.51.100.9 then 10.0.0.3
    assert client_address("192.0.2.7", ["6.6.6.6, 198.51.100.9", "10.0.0.3"], trusted) == "198.51.100.9"
    assert client_address("10.1.1.1", ["1.1.1.1, 2.2.2.2"], trusted) == "2.2.2.2"
    assert client_address("10.1.1.1", ["10.0.0.9, 10.0.0.8"], trusted) == "10.0.0.9"  # all proxies
    assert client_address("10.1.1.1", [], trusted) == "10.1.1.1"
    assert client_address("10.1.1.1", ["not-an-address"], trusted) == "10.1.1.1"
    assert client_address("10.1.1.1", ["::ffff:1.2.3.4", "2001:db8::1"], trusted) == "2001:db8::1"


# --- one budget per client and per person -------------------------------------------------------------


def test_rotating_forwarded_for_does_not_make_a_new_client(make_client, make_person, limits) -> None:
    limited = make_client(limits=limits(person_lookup="3/hour"))  # no trusted proxy configured
    person = make_person(name="轮换")
    codes = [
        limited.post(
            STATUS,
            json={"id_number": person.id_number, "name": f"猜{i}"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(6)
    ]
    assert codes == [404, 404, 404, 429, 429, 429]


def test_every_public_lookup_shares_one_budget_per_client(make_client, make_person, limits) -> None:
    limited = make_client(limits=limits(person_lookup="4/hour"))
    a, b = make_person(name="共享甲"), make_person(name="共享乙")
    assert limited.post(STATUS, json={"id_number": a.id_number, "name": "共享甲"}).status_code == 200
    history = limited.post("/api/v1/receipts/history", json={"id_number": b.id_number, "name": "x"})
    assert history.status_code == 404
    challenge = limited.post("/api/v1/challenges", json={"id_number": a.id_number, "name": "共享甲"})
    assert challenge.status_code == 201
    contact = limited.post("/api/v1/contact", json={"contact_code": "not-a-code"})
    assert contact.status_code == 422
    refused = limited.post(STATUS, json={"id_number": b.id_number, "name": "共享乙"})
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.json()["retry_after_seconds"] == int(refused.headers["Retry-After"])


def test_guessing_a_relatives_name_is_limited_per_client_and_per_person(
    behind_proxy, make_person, limits
) -> None:
    """Finding 5: 201 for the right name and 404 otherwise, so every try counts, found or not."""
    trusted = behind_proxy(limits(person_lookup="3/hour", person_lookup_per_person="5/hour"))
    helper, _ = _helper(trusted, make_person)
    target = make_person(name="亲属真名")

    def guess(name: str, client_ip: str) -> int:
        body = {"id_number": target.id_number, "name": name, "relationship": "子女"}
        return trusted.post(BIND, json=body, headers={**helper, "X-Forwarded-For": client_ip}).status_code

    # one client: three guesses, then refused — even the right name
    assert [guess(f"错{i}", "203.0.113.1") for i in range(3)] == [404, 404, 404]
    assert guess("亲属真名", "203.0.113.1") == 429
    # other clients (real distinct addresses behind the trusted proxy): the person's budget (5) still holds
    assert [guess(f"错{i}", "203.0.113.2") for i in range(2)] == [404, 404]
    assert guess("亲属真名", "203.0.113.3") == 429


def test_the_status_lookup_counts_the_person_whoever_asks(behind_proxy, make_person, limits) -> None:
    limited = behind_proxy(limits(person_lookup="100/hour", person_lookup_per_person="2/hour"))
    person = make_person(name="按人")
    asks = [
        limited.post(
            STATUS,
            json={"id_number": person.id_number, "name": "按人"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        )
        for i in range(3)
    ]
    assert [r.status_code for r in asks] == [200, 200, 429]
    assert "this person" in asks[2].json()["message"]
    other = make_person(name="别人")
    assert limited.post(STATUS, json={"id_number": other.id_number, "name": "别人"}).status_code == 200


# --- sign-in throttling -------------------------------------------------------------------------------


def test_failed_sign_ins_are_throttled_per_account(make_client, make_person, limits) -> None:
    limited = make_client(limits=limits(login_per_account="3/hour", login_per_client="100/hour"))
    _, username = _helper(limited, make_person, password="right password")
    login = "/api/v1/auth/helper/login"
    wrong = [
        limited.post(login, json={"username": username, "password": "wrong"}).status_code for _ in range(3)
    ]
    assert wrong == [401, 401, 401]
    refused = limited.post(login, json={"username": username, "password": "right password"})
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    # another account from the same client is not locked by this one's failures
    _, other = _helper(limited, make_person, password="other password")
    assert limited.post(login, json={"username": other, "password": "other password"}).status_code == 200


def test_failed_sign_ins_are_throttled_per_client(make_client, make_person, limits) -> None:
    limited = make_client(limits=limits(login_per_account="100/hour", login_per_client="3/hour"))
    codes = [
        limited.post("/api/v1/auth/staff/login", json={"username": f"nobody{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    # successful sign-ins do not use the budget up
    fresh = make_client(limits=limits(login_per_account="2/hour", login_per_client="2/hour"))
    _, username = _helper(fresh, make_person, password="good password")
    ok = [
        fresh.post(
            "/api/v1/auth/helper/login", json={"username": username, "password": "good password"}
        ).status_code
        for _ in range(4)
    ]
    assert ok == [200] * 4


# --- Redis away ---------------------------------------------------------------------------------------


def test_an_unreachable_redis_gives_503_with_retry_after(make_client, make_person) -> None:
    down = make_client(
        limits=LimitSettings(storage_uri="redis://127.0.0.1:1", unavailable_retry_after_seconds=7)
    )
    person = make_person(name="无缓存")
    for path, body in (
        (STATUS, {"id_number": person.id_number, "name": "无缓存"}),
        ("/api/v1/challenges", {"id_number": person.id_number, "name": "无缓存"}),
        ("/api/v1/auth/staff/login", {"username": "someone", "password": "x"}),
    ):
        resp = down.post(path, json=body)
        assert resp.status_code == 503, (path, resp.text)
        assert resp.json()["error"] == "limiter_unavailable" and resp.headers["Retry-After"] == "7"


def _helper(client, make_person, password: str = "helper pass") -> tuple[dict[str, str], str]:
    """(Authorization headers, user name) of a new helper account."""
    holder = make_person(name="帮手")
    resp = client.post(
        "/api/v1/helpers",
        json={"id_number": holder.id_number, "name": "帮手", "phone": "13800000000", "password": password},
    )
    assert resp.status_code == 201, resp.text
    login = client.post(
        "/api/v1/auth/helper/login", json={"username": holder.id_number, "password": password}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}, holder.id_number
