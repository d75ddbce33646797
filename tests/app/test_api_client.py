"""app/common/api_client.py against the real API (FastAPI app in-process over httpx's ASGI transport,
real DB)."""

from __future__ import annotations

import socket
from datetime import date, timedelta

import httpx
import pytest

from app.citizen.state import StatusLookup
from app.common.api_client import ApiClient, ApiError, NetworkError
from app.common.notices import notice_for
from shared.cycle import agency_today
from shared.enums import BenefitType, CycleState
from shared.idnumber import make_id_number, mask_id
from shared.schemas import StatusRequest


@pytest.fixture
def asgi_app(settings):
    from api.main import create_app

    return create_app(settings)


@pytest.fixture
def api(asgi_app):
    return ApiClient("http://lifecert.test", transport=httpx.ASGITransport(app=asgi_app))


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now


async def test_status_returns_typed_masked_result(api, make_person) -> None:
    person = make_person(name="张三明", certified_on=agency_today() - timedelta(days=2))
    async with api:
        result = await api.status(StatusRequest(id_number=person.id_number, name="张三明"))
    assert result.masked_name == "张*明"
    assert result.masked_id_number == mask_id(person.id_number)
    [ent] = result.entitlements
    assert ent.benefit_type is BenefitType.ENTERPRISE_PENSION and ent.state is CycleState.CERTIFIED


async def test_not_found_becomes_api_error_with_server_message(api) -> None:
    unknown = make_id_number("110101", date(1949, 1, 2), 997)
    async with api:
        with pytest.raises(ApiError) as info:
            await api.status(StatusRequest(id_number=unknown, name="无此人"))
    err = info.value
    assert err.status == 404 and err.code == "not_found" and "ID number" in err.message
    assert notice_for(err).key == "error.not_found"


async def test_invalid_id_maps_to_the_check_digit_message(api) -> None:
    number = make_id_number("110101", date(1950, 3, 15), 5)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    async with api:
        with pytest.raises(ApiError) as info:
            await api.status(StatusRequest(id_number=wrong, name="张三"))
    assert info.value.status == 422 and info.value.code == "invalid_id_number"
    assert notice_for(info.value).key == "id.error.check_digit"


async def test_network_error_after_retries() -> None:
    async with ApiClient(closed_port_url(), retries=2, backoff_seconds=0.01) as client:
        with pytest.raises(NetworkError) as info:
            await client.status(StatusRequest(id_number="x", name="y"))
    assert info.value.code == "network" and "ConnectError" in info.value.message
    assert notice_for(info.value).key == "error.network"


class FlakyTransport(httpx.AsyncBaseTransport):
    """The real app behind a network that drops the first ``failures`` requests (answer lost)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failures: int) -> None:
        self.inner, self.failures = inner, failures
        self.seen_keys: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen_keys.append(request.headers.get("Idempotency-Key"))
        if self.failures:
            self.failures -= 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return await self.inner.handle_async_request(request)


async def test_retries_resend_the_same_idempotency_key(asgi_app, make_person) -> None:
    from shared.schemas import StatusResponse

    person = make_person(name="李四")
    flaky = FlakyTransport(httpx.ASGITransport(app=asgi_app), failures=2)
    async with ApiClient("http://lifecert.test", transport=flaky, retries=2, backoff_seconds=0.01) as client:
        result = await client._send(
            "POST",
            "/api/v1/status",
            StatusResponse,
            json={"id_number": person.id_number, "name": "李四"},
            idempotency_key="k-1",
        )
    assert result.masked_name == "李*"
    assert flaky.seen_keys == ["k-1", "k-1", "k-1"]


class LostAnswerTransport(httpx.AsyncBaseTransport):
    """The real app behind a network that loses the first ``losses`` answers after the server acted."""

    def __init__(self, inner: httpx.AsyncBaseTransport, losses: int) -> None:
        self.inner, self.losses = inner, losses
        self.sent: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.headers.get("Idempotency-Key"))
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if self.losses:
            self.losses -= 1
            raise httpx.ReadTimeout("answer lost after the server acted", request=request)
        return response


async def test_a_creating_post_whose_answer_was_lost_is_retried_with_its_key(asgi_app) -> None:
    from shared.schemas import HelperRegisterRequest

    number = make_id_number("110101", date(1977, 7, 7), 321)
    lossy = LostAnswerTransport(httpx.ASGITransport(app=asgi_app), losses=1)
    async with ApiClient("http://lifecert.test", transport=lossy, retries=2, backoff_seconds=0.01) as client:
        helper = await client.register_helper(
            HelperRegisterRequest(
                id_number=number, name="帮手", phone="13900000000", password="helper password"
            )
        )
    assert helper.id_number == mask_id(number)
    # the account was created by the first attempt; the retry carried the same key and got that answer
    assert len(lossy.sent) == 2 and lossy.sent[0] == lossy.sent[1] and lossy.sent[0]


async def test_a_post_without_a_key_is_not_repeated_after_the_server_may_have_acted(asgi_app) -> None:
    from shared.schemas import FramesResult

    lossy = LostAnswerTransport(httpx.ASGITransport(app=asgi_app), losses=1)
    async with ApiClient("http://lifecert.test", transport=lossy, retries=2, backoff_seconds=0.01) as client:
        with pytest.raises(NetworkError):
            await client._send("POST", "/api/v1/challenges/none/frames", FramesResult)
    assert lossy.sent == [None]  # one attempt: a read timeout after sending is not retried without a key


async def test_lookup_with_a_bad_check_digit_never_calls_the_server() -> None:
    number = make_id_number("110101", date(1950, 3, 15), 7)
    lookup = StatusLookup()
    lookup.form.id_text = number[:-1] + ("1" if number[-1] != "1" else "2")
    lookup.form.name = "张三"
    async with ApiClient(closed_port_url(), retries=0) as client:  # any call would end in a network notice
        assert await lookup.submit(client) is False
    assert lookup.notice is None and lookup.result is None
    assert lookup.form.id_error_key() == "id.error.check_digit"


async def test_lookup_stores_result_or_notice(api, make_person) -> None:
    person = make_person(name="王五")
    lookup = StatusLookup()
    lookup.form.id_text, lookup.form.name = person.id_number, "王五"
    async with api:
        assert await lookup.submit(api) is True
        assert lookup.result is not None and lookup.result.masked_name == "王*"
        lookup.form.name = "王六"
        assert await lookup.submit(api) is False
    assert lookup.result is None and lookup.notice is not None and lookup.notice.key == "error.not_found"
    assert not lookup.busy
