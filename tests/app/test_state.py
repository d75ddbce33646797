"""Screen logic without a UI: the ID check while typing, the forms, settings, the certification flow."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.citizen.state import AppState, CertifyFlow, CertifyFor
from app.common.identity import IdentityForm, check_id_as_typed, submit_id_error
from app.common.settings import Settings, normalise_api_url
from shared.i18n import CATALOGS
from shared.idnumber import is_valid_id_number, make_id_number

VALID = make_id_number("110101", date(1950, 3, 15), 123)
TODAY = date(2026, 11, 22)


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def test_each_prefix_of_a_valid_number_is_typing_then_valid() -> None:
    for n in range(1, 18):
        check = check_id_as_typed(VALID[:n], today=TODAY)
        assert check.status == "typing", (n, check)
        assert check.message_key == "id.progress" and check.count == n
    final = check_id_as_typed(VALID, today=TODAY)
    assert final.status == "valid" and final.message_key == "id.ok" and final.is_valid


def test_wrong_check_digit_is_reported_when_the_last_character_is_typed() -> None:
    check = check_id_as_typed(wrong_check_digit(VALID), today=TODAY)
    assert check.status == "invalid" and check.message_key == "id.error.check_digit"


@pytest.mark.parametrize(
    "text, key",
    [
        ("11010a", "id.error.bad_char"),
        ("1101011950031512", "typing"),
        ("11010119501332", "id.error.birth_date"),  # month 13, known after 14 characters
        ("11010118990101", "id.error.birth_date"),  # before 1900
        (VALID + "1", "id.error.too_long"),
        (VALID[:17] + "Y", "id.error.bad_char"),
    ],
)
def test_errors_show_as_soon_as_they_are_certain(text: str, key: str) -> None:
    check = check_id_as_typed(text, today=TODAY)
    assert (check.status if key == "typing" else check.message_key) == key


def test_full_width_digits_spaces_and_lower_case_x_are_accepted() -> None:
    number = make_id_number("110101", date(1950, 3, 15), 0)
    candidates = [make_id_number("110101", date(1950, 3, 15), s) for s in range(200)]
    with_x = next(c for c in candidates if c.endswith("X"))
    typed = " ".join([with_x[:6], with_x[6:14], with_x[14:].lower()])
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert check_id_as_typed(typed, today=TODAY).is_valid
    assert check_id_as_typed(full_width, today=TODAY).number == number


@given(st.text(alphabet="0123456789Xx ", max_size=22))
def test_check_agrees_with_shared_idnumber_on_complete_input(text: str) -> None:
    check = check_id_as_typed(text, today=TODAY)
    assert check.is_valid == is_valid_id_number(text, today=TODAY)
    if check.message_key:
        assert check.message_key in CATALOGS["en"]


def test_submit_errors() -> None:
    assert submit_id_error("") == "id.error.required"
    assert submit_id_error("110101195003151") == "id.error.old_number"
    assert submit_id_error("1101011950") == "id.error.format"
    assert submit_id_error(wrong_check_digit(VALID)) == "id.error.check_digit"
    assert submit_id_error(VALID) is None


def test_form_shows_errors_for_empty_fields_only_after_an_attempt() -> None:
    form = IdentityForm()
    assert form.id_error_key() is None and form.name_error_key() is None
    assert form.attempt() is False
    assert form.id_error_key() == "id.error.required" and form.name_error_key() == "name.error.required"
    form.id_text, form.name = VALID, "  张三明 "
    assert form.attempt() is True and form.clean_name == "张三明"


def test_form_while_typing_shows_only_certain_errors() -> None:
    form = IdentityForm(id_text=VALID[:10])
    assert form.id_error_key() is None
    form.id_text = wrong_check_digit(VALID)
    assert form.id_error_key() == "id.error.check_digit"


def test_settings_language_and_api_url() -> None:
    settings = Settings()
    assert settings.language == "zh-Hans" and not settings.large_text
    settings.set_language("en")
    assert settings.language == "en"
    with pytest.raises(ValueError):
        settings.set_language("fr")
    assert normalise_api_url(" http://10.0.0.5:8000/ ") == "http://10.0.0.5:8000"
    assert normalise_api_url("https://lifecert.example.org/api") == "https://lifecert.example.org/api"
    for bad in ("ftp://x", "127.0.0.1:8000", "http://", "http://host:99999", ""):
        assert normalise_api_url(bad) is None, bad


def test_certify_flow_restart_and_failures() -> None:
    flow = CertifyFlow()
    flow.consented, flow.failures = True, 2
    flow.identity.id_text = VALID
    flow.restart(CertifyFor.FAMILY)
    assert not flow.consented and flow.failures == 0 and flow.identity.id_text == ""
    assert flow.use_rear_camera_first
    flow.failures = CertifyFlow.MAX_FAILURES
    assert flow.too_many_failures
    assert not CertifyFlow(kind=CertifyFor.SELF).use_rear_camera_first


def test_app_state_is_per_session() -> None:
    a, b = AppState(), AppState()
    a.settings.set_language("en")
    a.lookup.form.id_text = VALID
    assert b.settings.language == "zh-Hans" and b.lookup.form.id_text == ""


def test_a_letter_link_prefills_the_id_number_and_ignores_anything_else() -> None:
    from app.citizen.state import AppState

    state = AppState()
    assert state.prefill_id("/status?id=11010119500308022x")
    assert state.certify.identity.id_text == state.lookup.form.id_text == "11010119500308022X"
    for route in ("/", "/status?id=", "/?id=<script>", "/?id=1101011950030802", "/?name=x"):
        fresh = AppState()
        assert not fresh.prefill_id(route)
        assert fresh.certify.identity.id_text == "" and fresh.lookup.form.id_text == ""
