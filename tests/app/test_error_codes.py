"""Every code the API can answer with has a text in every language, filled from its params, and no
Chinese text of any code carries an English phrase.

The codes are collected from the API's source (every ``ApiError(status, "code", …)`` and
``error_response(status, "code", …)``, the generic codes by HTTP status, the face reason codes) so that
a code another change adds is covered without touching this test.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from api.core.errors import _FRIENDLY, _STATUS_CODES
from app.common.api_client import ApiError
from app.common.notices import notice_for
from face.types import ReasonCode
from shared.i18n import CATALOGS, LANGUAGES, Translator
from shared.i18n.errors import error_key
from shared.schemas import ErrorDetail
from tests.app.english import english_runs
from tests.shared_data import REPO_ROOT

CALLS = {"ApiError", "error_response"}


def raised_codes(root: Path = REPO_ROOT / "api") -> dict[str, set[str]]:
    """code → the params names passed with it anywhere (literal codes only)."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in CALLS or len(node.args) < 2:
                continue
            code = node.args[1]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                params = found.setdefault(code.value, set())
                for kw in node.keywords:
                    if kw.arg == "params" and isinstance(kw.value, ast.Dict):
                        params |= {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}
                    if kw.arg == "retry_after_seconds":
                        params.add("seconds")
    return found


RAISED = raised_codes()
ALL_CODES = sorted(set(RAISED) | {code for code, _ in _STATUS_CODES.values()} | {"internal_error"})


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_scan_finds_the_api_codes() -> None:
    assert {"bad_credentials", "too_few_townships", "validation_error", "weak_password", "not_found"} <= set(
        RAISED
    )
    assert RAISED["too_few_townships"] == {"region_code", "found", "needed"}


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_api_code_has_its_own_text_in_every_language(code: str) -> None:
    key = error_key(code, 422)
    assert key != "error.unknown", f"add error.{code} to shared/i18n (codes.py) in every language"
    for language in LANGUAGES:
        assert key in CATALOGS[language], f"{language}: {key}"
        # the text only uses params the API sends with this code (and the code itself)
        unknown = _fields(CATALOGS[language][key]) - RAISED.get(code, set()) - {"code"}
        assert not unknown, f"{language} {key} uses {unknown}, the API sends {RAISED.get(code, set())}"


@pytest.mark.parametrize(
    "code",
    sorted(
        set(_FRIENDLY)
        | {
            "string_too_short",
            "greater_than_equal",
            "less_than_equal",
            "string_pattern_mismatch",
            "enum",
            "literal_error",
        }
    ),
)
def test_every_validation_code_has_a_text(code: str) -> None:
    for language in LANGUAGES:
        assert f"validation.{code}" in CATALOGS[language], f"{language}: validation.{code}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_renders_without_english_in_chinese(language: str) -> None:
    t = Translator(language)
    codes = [*ALL_CODES, *(str(r) for r in ReasonCode if r != ReasonCode.OK)]
    for code in codes:
        params: dict[str, str | int | float] = dict.fromkeys(RAISED.get(code, ()), 7)
        if "region_code" in params:
            params["region_code"] = "110101"
        shown = ApiError(
            422, code, "An English sentence from the server that must not show.", params=params
        ).text(t)
        assert shown and "{" not in shown and "…" not in shown, (code, shown)
        assert "must not show" not in shown
        if language != "en":
            assert not english_runs(shown), (language, code, shown)


def test_validation_error_names_each_field_and_its_limit() -> None:
    details = (
        ErrorDetail(
            field="region_code",
            code="string_too_short",
            message="String should have at least 2 characters",
            params={"min_length": 2},
        ),
        ErrorDetail(field="townships", code="greater_than_equal", message="x", params={"ge": 2}),
        ErrorDetail(field="body.extra.thing", code="some_future_type", message="x"),
    )
    error = ApiError(
        422, "validation_error", "region_code: String should have at least 2 characters", details=details
    )
    zh = notice_for(error).render(Translator("zh-Hans"))
    assert zh.splitlines()[1:] == ["地区编码：至少要 2 个字", "乡镇（街道）数：不能小于 2", "填写有误"]
    assert not english_runs(zh)
    en = error.text(Translator("en"))
    assert "Region code: at least 2 characters" in en


def test_unknown_codes_fall_back_by_status_never_to_the_servers_sentence() -> None:
    t = Translator("zh-Hant")
    assert ApiError(409, "brand_new_code", "Some English.").text(t) == CATALOGS["zh-Hant"][
        "error.unknown"
    ].format(code="brand_new_code")
    assert ApiError(503, "brand_new_code", "Some English.").text(t) == CATALOGS["zh-Hant"]["error.server"]
    assert ApiError(0, "network", "ConnectError: boom").text(t) == CATALOGS["zh-Hant"]["error.network"]
    # a param the server did not send shows as "…" instead of crashing the screen
    assert "…" in ApiError(422, "too_few_townships", "x").text(t)


def test_the_api_sends_code_params_and_field_details(client) -> None:
    """Through the real app: a validation error names fields and limits, a domain error its params."""
    response = client.post("/api/v1/status", json={"id_number": "1", "name": ""})
    body = response.json()
    assert response.status_code == 422 and body["error"] == "validation_error"
    assert {d["field"] for d in body["details"]} >= {"name"} and body["params"]["fields"]
    assert all(d["code"] and isinstance(d.get("params"), dict) for d in body["details"])
