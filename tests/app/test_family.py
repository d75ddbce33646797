"""Family helper: form rules without a UI, and the helper calls against the real API in-process."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from app.citizen.state import HelperForms
from app.common.api_client import ApiClient, ApiError
from shared.idnumber import make_id_number
from shared.schemas import LoginRequest

HELPER_ID = make_id_number("110101", date(1980, 5, 4), 17)


def test_login_form_needs_a_valid_id_and_a_password_of_8() -> None:
    forms = HelperForms(login_id=HELPER_ID[:-1] + ("1" if HELPER_ID[-1] != "1" else "2"), password="short")
    assert forms.login_request() is None
    assert forms.login_errors() == {"id": "id.error.check_digit", "password": "family.error.password"}
    forms.login_id, forms.password = HELPER_ID.lower(), "long enough"
    assert forms.login_request() == LoginRequest(username=HELPER_ID, password="long enough")


def test_register_form_checks_phone_and_password() -> None:
    forms = HelperForms(phone="call me", password="12345678")
    forms.identity.id_text, forms.identity.name = HELPER_ID, "王小明"
    assert forms.register_request() is None and forms.register_errors() == {"phone": "family.error.phone"}
    forms.phone = "+86 138 0013 8000"
    request = forms.register_request()
    assert request is not None and request.phone == "+86 138 0013 8000" and request.name == "王小明"


def test_bind_form_needs_the_relationship() -> None:
    forms = HelperForms()
    forms.relative.id_text, forms.relative.name = make_id_number("110101", date(1950, 1, 2), 21), "王大爷"
    assert forms.bind_request() is None
    forms.relationship = " 父亲 "
    assert forms.bind_request().relationship == "父亲"


@pytest.fixture
def asgi_app(settings):
    from api.main import create_app

    return create_app(settings)


async def test_register_login_bind_and_relatives(asgi_app, make_person) -> None:
    relative = make_person(name="王德胜")
    forms = HelperForms(phone="13800138000", password="a good password")
    forms.identity.id_text, forms.identity.name = HELPER_ID, "王小明"
    async with ApiClient("http://lifecert.test", transport=httpx.ASGITransport(app=asgi_app)) as api:
        assert not api.signed_in
        with pytest.raises(ApiError) as info:
            await api.relatives()
        assert info.value.status == 401
        helper = await api.register_helper(forms.register_request())
        assert helper.name == "王*明"
        await api.login_helper(LoginRequest(username=HELPER_ID, password="a good password"))
        assert api.signed_in and await api.relatives() == []
        forms.relative.id_text, forms.relative.name, forms.relationship = relative.id_number, "王德胜", "父亲"
        challenge = await api.start_binding(forms.bind_request())
        assert challenge.actions and challenge.max_frames > 0
        with pytest.raises(ApiError) as info:
            await api.start_family_challenge(999_999)
        assert info.value.status in (403, 404)
        api.sign_out()
        assert not api.signed_in


async def test_wrong_password_is_an_api_error_with_a_message(asgi_app) -> None:
    async with ApiClient("http://lifecert.test", transport=httpx.ASGITransport(app=asgi_app)) as api:
        with pytest.raises(ApiError) as info:
            await api.login_helper(
                LoginRequest(username=make_id_number("110101", date(1979, 1, 1), 3), password="whatever123")
            )
    assert info.value.status == 401 and info.value.message
