"""POST /api/v1/status over HTTP against a real migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.core.settings import LimitSettings
from shared.cycle import agency_today
from shared.enums import BenefitType, CycleState, PaymentState
from shared.idnumber import make_id_number, mask_id

URL = "/api/v1/status"


def assert_error_shape(resp, status: int, error: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if error is not None:
        assert body["error"] == error
    return body


def test_lookup_returns_masked_identity_and_each_entitlement(client, make_person) -> None:
    person = make_person(
        name="张三明",
        benefits=(BenefitType.ENTERPRISE_PENSION, BenefitType.WORK_INJURY),
        certified_on=agency_today() - timedelta(days=3),
    )
    resp = client.post(URL, json={"id_number": person.id_number, "name": "张三明"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["masked_name"] == "张*明"
    assert body["masked_id_number"] == mask_id(person.id_number)
    assert person.id_number not in resp.text and "张三明" not in resp.text
    assert [e["benefit_type"] for e in body["entitlements"]] == ["enterprise_pension", "work_injury"]
    pension = body["entitlements"][0]
    assert pension["payment_state"] == "active"
    assert pension["last_certified_on"] == (agency_today() - timedelta(days=3)).isoformat()
    assert pension["last_method"] == "self_face"
    assert pension["state"] == CycleState.CERTIFIED
    assert pension["window_start"] <= body["today"] <= pension["window_end"]
    assert pension["valid_until"] >= body["today"]
    assert pension["next_due"] is not None


def test_never_certified_person_is_due_or_overdue(client, make_person) -> None:
    person = make_person(name="李四")
    body = client.post(URL, json={"id_number": person.id_number, "name": "李四"}).json()
    ent = body["entitlements"][0]
    assert ent["state"] in (CycleState.DUE, CycleState.OVERDUE)
    assert ent["last_certified_on"] is None and ent["last_method"] is None


def test_suspended_person_shows_suspension_month(client, make_person) -> None:
    person = make_person(name="王五", payment_state=PaymentState.SUSPENDED, suspended_since="2026-01")
    body = client.post(URL, json={"id_number": person.id_number, "name": "王五"}).json()
    ent = body["entitlements"][0]
    assert ent["payment_state"] == "suspended"
    assert ent["suspended_since"] == "2026-01"
    assert ent["state"] == CycleState.SUSPENDED


def test_overseas_resident_dates_in_their_time_zone(client, make_person) -> None:
    person = make_person(
        name="John Smith", residence_kind="overseas", country="US", time_zone="America/Los_Angeles"
    )
    body = client.post(URL, json={"id_number": person.id_number, "name": "john  smith"}).json()
    assert body["residence_kind"] == "overseas"
    assert body["time_zone"] == "America/Los_Angeles"
    assert body["masked_name"] == "J*** S****"


def test_name_compared_after_normalising_whitespace_and_width(client, make_person) -> None:
    person = make_person(name="欧阳娜娜")
    for typed in (" 欧阳娜娜 ", "欧阳 娜娜", "欧阳\u3000娜娜"):
        resp = client.post(URL, json={"id_number": person.id_number.lower(), "name": typed})
        assert resp.status_code == 200, (typed, resp.text)


def test_unknown_id_and_wrong_name_get_the_same_answer(client, make_person) -> None:
    person = make_person(name="赵六")
    wrong_name = client.post(URL, json={"id_number": person.id_number, "name": "赵七"})
    unknown = client.post(
        URL, json={"id_number": make_id_number("110101", date(1951, 1, 1), 997), "name": "赵六"}
    )
    assert_error_shape(wrong_name, 404, "not_found")
    assert_error_shape(unknown, 404, "not_found")
    assert wrong_name.json() == unknown.json()


def test_invalid_id_number_gets_422_with_message(client) -> None:
    good = make_id_number("110101", date(1950, 1, 1), 123)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = assert_error_shape(
        client.post(URL, json={"id_number": bad, "name": "张三"}), 422, "invalid_id_number"
    )
    assert "check" in body["message"].lower()
    assert body["details"][0]["field"] == "id_number"
    body = assert_error_shape(client.post(URL, json={"id_number": "12345", "name": "张三"}), 422)
    assert "18" in body["message"]


ODD_BODIES = [
    {},
    {"id_number": 110101195001011234, "name": "张三"},
    {"id_number": None, "name": "张三"},
    {"id_number": ["a"], "name": {"x": 1}},
    {"id_number": "1" * 100_000, "name": "张三"},
    {"id_number": "110101195001011234", "name": "名" * 10_000},
    {"id_number": "110101195001011234", "name": ""},
    {"id_number": "\u0000\ud7ff\U0001f600" * 6, "name": "\U0001f600"},
    {"id_number": "１１０１０１１９５００１０１１２３４", "name": "   "},
    {"id_number": "110101195001011234", "name": "张三", "extra": 1},
    [1, 2, 3],
    "just a string",
    12,
    None,
]


@pytest.mark.parametrize("payload", ODD_BODIES, ids=range(len(ODD_BODIES)))
def test_odd_json_bodies_get_a_4xx_with_message(client, payload) -> None:
    resp = client.post(URL, json=payload)
    assert 400 <= resp.status_code < 500, resp.text
    assert_error_shape(resp, resp.status_code)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"id_number=1&name=2", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b'{"id_number": "1", "name": "x"', "text/plain"),
    ],
)
def test_non_json_bodies_get_a_4xx_with_message(client, content, content_type) -> None:
    resp = client.post(URL, content=content, headers={"content-type": content_type})
    assert 400 <= resp.status_code < 500, resp.text
    assert_error_shape(resp, resp.status_code)


def test_wrong_method_and_unknown_path_use_the_error_shape(client) -> None:
    assert_error_shape(client.get(URL), 405, "method_not_allowed")
    assert_error_shape(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_lookups_are_rate_limited_per_client(make_client, make_person) -> None:
    limited = make_client(limits=LimitSettings(person_lookup="2/hour"))
    person = make_person(name="孙八")
    payload = {"id_number": person.id_number, "name": "孙八"}
    assert limited.post(URL, json=payload).status_code == 200
    assert limited.post(URL, json={**payload, "name": "wrong"}).status_code == 404
    resp = limited.post(URL, json=payload)
    body = assert_error_shape(resp, 429, "rate_limited")
    wait = int(resp.headers["Retry-After"])
    assert 1 <= wait <= 3600
    assert body["retry_after_seconds"] == wait
    assert str(wait) in body["message"]


def test_readyz_reports_database_and_storage_and_docs_are_served(client) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "models": "lazy", "storage": "ok"}
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/status" in spec["paths"]


def test_oversized_bodies_get_413_with_the_error_shape(make_client) -> None:
    small = make_client(max_request_bytes=2048)
    big = {"id_number": "1" * 18, "name": "x" * 5000}
    assert_error_shape(small.post(URL, json=big), 413, "payload_too_large")

    def chunks():
        for _ in range(10):
            yield b"x" * 1024

    assert_error_shape(
        small.post(URL, content=chunks(), headers={"content-type": "application/json"}),
        413,
        "payload_too_large",
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"id_number": json_values, "name": json_values}),
        st.fixed_dictionaries({"id_number": st.text(max_size=30), "name": st.text(max_size=30)}),
    )
)
def test_no_json_body_ever_gets_a_500(client, body) -> None:
    resp = client.post(
        URL, content=json.dumps(body, allow_nan=True), headers={"content-type": "application/json"}
    )
    assert resp.status_code in (200, 404, 422), resp.text
    if resp.status_code != 200:
        assert_error_shape(resp, resp.status_code)


def _pair(settings, **overrides):
    """The app as served, and the same app without its fast path (every lookup through the route)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.status.fast import StatusFastPath

    fast = create_app(settings.model_copy(update=overrides))
    slow = create_app(settings.model_copy(update=overrides))
    slow.user_middleware = [m for m in slow.user_middleware if m.cls is not StatusFastPath]
    assert len(slow.user_middleware) == len(fast.user_middleware) - 1
    return TestClient(fast), TestClient(slow)


def _same_answer(a, b) -> None:
    assert (a.status_code, a.headers["content-type"], a.json()) == (
        b.status_code,
        b.headers["content-type"],
        b.json(),
    )
    assert a.headers.get("retry-after") == b.headers.get("retry-after")


def test_fast_path_answers_exactly_like_the_route(settings, make_person) -> None:
    person = make_person(name="周九", certified_on=agency_today() - timedelta(days=10))
    unknown = make_id_number("110101", date(1952, 2, 2), 996)
    good = person.id_number
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    fast, slow = _pair(settings)
    cases = [
        ({"id_number": good, "name": "周九"}, "application/json"),
        ({"id_number": good, "name": " 周 九 "}, "application/json; charset=utf-8"),
        ({"id_number": good.lower(), "name": "周九"}, "application/json"),
        ({"id_number": good, "name": "周十"}, "application/json"),
        ({"id_number": unknown, "name": "周九"}, "application/json"),
        ({"id_number": bad_check, "name": "周九"}, "application/json"),
        ({"id_number": good, "name": "周九", "extra": 1}, "application/json"),
        ({"id_number": good}, "application/json"),
        ([good, "周九"], "application/json"),
        ("[" * 3000 + "]" * 3000, "application/json"),
        ({"id_number": good, "name": "周九"}, "text/plain"),
    ]
    for payload, content_type in cases:
        content = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        answers = [
            c.post(URL, content=content.encode(), headers={"content-type": content_type})
            for c in (fast, slow)
        ]
        assert answers[0].status_code < 500, answers[0].text
        _same_answer(*answers)


def test_fast_path_applies_the_same_rate_limit(settings, make_person) -> None:
    person = make_person(name="吴十")
    payload = {"id_number": person.id_number, "name": "吴十"}
    fast, slow = _pair(settings, limits=LimitSettings(person_lookup="2/hour"))
    for c in (fast, slow):
        assert c.post(URL, json=payload).status_code == 200
        assert c.post(URL, json={**payload, "name": "wrong"}).status_code == 404
    _same_answer(fast.post(URL, json=payload), slow.post(URL, json=payload))
    # As in the route, the limit is checked before the ID number (an exhausted client learns nothing).
    bad_id = {"id_number": "12345", "name": "x"}
    _same_answer(fast.post(URL, json=bad_id), slow.post(URL, json=bad_id))
