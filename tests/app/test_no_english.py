"""No English phrase (three ASCII words in a row) on any Chinese screen of either app: every screen signed
out and signed in with each role, with the last action's API error shown, the coordinators' screens, and the
result after three failed face checks (built from state alone, no browser)."""

from __future__ import annotations

import flet as ft
import pytest

from app.citizen.screens import ROUTES
from app.common.api_client import ApiError
from app.common.notices import notice_for
from app.staff.screens import ROUTES as STAFF_ROUTES
from shared.enums import StaffRole
from shared.i18n import CATALOGS
from tests.app.english import english_runs
from tests.app.test_case_screens import PageDouble
from tests.app.test_screens import (
    FIELD_SCREENS,
    _outcome_ui,
    field_ui,
    identifiers,
    make_staff_ui,
    make_ui,
    texts,
)


def _english_on(view: ft.View) -> list[str]:
    return [phrase for shown in texts(view) for phrase in english_runs(shown)]


def _failed(code: str, **params) -> ApiError:
    return ApiError(422, code, "An English sentence from the server.", params=params)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_no_english_phrase_on_any_chinese_screen(language: str) -> None:
    seen = []
    for route, build in sorted(ROUTES.items()):
        seen += [(route, e) for e in _english_on(build(make_ui(language)))]
    for role in (None, *StaffRole):
        for route, build in sorted(STAFF_ROUTES.items()):
            ui = make_staff_ui(language, role)
            ui.page = PageDouble()
            if role is not None:  # the last action failed: the screen shows the API's code in Chinese
                ui.state.console.fail(
                    notice_for(_failed("too_few_townships", region_code="110101", found=1, needed=2))
                )
            seen += [(route, e) for e in _english_on(build(ui))]
    for route in FIELD_SCREENS:
        seen += [(route, e) for e in _english_on(STAFF_ROUTES[route](field_ui(language)))]
    assert not seen, seen


def test_the_too_few_townships_answer_reads_in_chinese_on_the_spot_check_screen() -> None:
    ui = make_staff_ui("zh-Hans", StaffRole.ADMIN)
    ui.state.console.fail(notice_for(_failed("too_few_townships", region_code="110101", found=1, needed=2)))
    shown = texts(STAFF_ROUTES["/spotchecks"](ui))
    assert "地区 110101 下只有 1 个乡镇（街道），抽查需要 2 个。" in shown


def test_three_failed_face_checks_offer_other_ways_in_chinese() -> None:
    from api.certification.outcomes import manual_review_offer
    from shared.schemas import FramesResult

    failed = FramesResult(
        result="failed",
        reason="face_mismatch",
        message="The face did not match.",
        failures_last_24h=3,
        manual_review=manual_review_offer(),
    )
    for language in ("zh-Hans", "zh-Hant"):
        ui = _outcome_ui(failed, failures=3)
        ui.state.settings.set_language(language)
        view = ROUTES["/certify/result"](ui)
        assert not _english_on(view), _english_on(view)
        assert CATALOGS[language]["manual.onsite"] in texts(view)
        assert {"outcome-manual-message", "outcome-manual-onsite", "outcome-evidence"} <= set(
            identifiers(view)
        )
