"""Elderly-first details of the citizens' app, from state alone: the server address is not a citizen's
setting (neither shown nor taken from the device's storage); the staff app keeps it."""

from __future__ import annotations

from app.citizen.screens import ROUTES
from app.common.preferences import PREFIX, load_settings, save_settings
from app.common.settings import Settings
from app.staff.screens import ROUTES as STAFF_ROUTES
from tests.app.test_preferences import DictStore
from tests.app.test_screens import identifiers, make_staff_ui, make_ui


def test_the_citizens_settings_have_no_server_address_and_the_staff_settings_do() -> None:
    citizen = identifiers(ROUTES["/settings"](make_ui("zh-Hans")))
    assert "settings-text-large" in citizen and "settings-api" not in citizen
    assert "settings-api-save" not in citizen
    assert "settings-api" in identifiers(STAFF_ROUTES["/settings"](make_staff_ui("zh-Hans")))


async def test_a_stored_server_address_is_ignored_by_the_citizens_app() -> None:
    store = DictStore({PREFIX + "api_url": "https://elsewhere.example.org", PREFIX + "large_text": True})
    citizen = make_ui("zh-Hans").state.settings
    assert citizen.api_editable is False
    before = citizen.api_url
    await load_settings(store, citizen)
    assert citizen.large_text is True and citizen.api_url == before
    await save_settings(store, citizen)
    assert store.data[PREFIX + "api_url"] == "https://elsewhere.example.org"  # not written over either
    staff = Settings()
    await load_settings(store, staff)
    assert staff.api_url == "https://elsewhere.example.org"
