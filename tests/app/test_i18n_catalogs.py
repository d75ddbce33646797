"""Every user-visible string comes from the catalogs, and every catalog has every key.

Two checks fail the build: a key missing in any language (or with different ``{fields}``), and a string
literal handed to a Flet control in a ``screens`` or ``components`` folder of app/ (either app or common)
instead of a catalog lookup.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from shared.enums import (
    BenefitType,
    CertificationMethod,
    ChallengeAction,
    CycleState,
    PaymentState,
    SpecialGroup,
    VisitRecordReason,
    VisitRequestReason,
    VisitState,
)
from shared.i18n import CATALOGS, LANGUAGES, Translator, translate
from tests.shared_data import REPO_ROOT

APP_DIR = REPO_ROOT / "app"
VIEW_DIRS = sorted(d for d in APP_DIR.rglob("*") if d.is_dir() and d.name in {"screens", "components"})

# Keyword arguments of Flet controls whose value is shown to (or read out to) the user.
VISIBLE_KWARGS = {
    "value",
    "label",
    "hint_text",
    "helper",
    "helper_text",
    "error",
    "error_text",
    "text",
    "tooltip",
    "title",
    "content",
    "semantics_label",
    "prefix",
    "suffix",
    "prefix_text",
    "suffix_text",
    "counter",
    "counter_text",
    "message",
    "placeholder",
    "subtitle",
    "hint",
}
# Strings that are not words: empty, punctuation, numbers.
NOT_WORDS = set(string.punctuation + string.whitespace + string.digits)


def _is_wordy(s: str) -> bool:
    return any(ch not in NOT_WORDS for ch in s)


def literal_strings_in_views(source: str, filename: str = "<src>") -> list[str]:
    """``file:line: text`` for each string literal passed as visible text to a call (ft.Text(...) etc.).

    Positional arguments of any call to a capitalised name (a control class, e.g. ``ft.Text("Hi")``) and
    visible keyword arguments of any call count; f-strings count when they contain literal words.
    Catalog lookups (``t("key")``) are calls to a lower-case name and their arguments are keys, not text.
    """
    tree = ast.parse(source, filename=filename)
    found: list[str] = []

    def offending(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_wordy(node.value):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = "".join(
                v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if _is_wordy(parts):
                return parts
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        is_control = name[:1].isupper()
        candidates = list(node.args) if is_control else []
        candidates += [kw.value for kw in node.keywords if kw.arg in VISIBLE_KWARGS]
        for arg in candidates:
            if (text := offending(arg)) is not None:
                found.append(f"{filename}:{arg.lineno}: {text!r}")
    return found


def view_sources() -> list[Path]:
    assert {d.relative_to(APP_DIR).as_posix() for d in VIEW_DIRS} >= {
        "citizen/screens",
        "common/screens",
        "common/components",
        "staff/screens",
        "staff/components",
    }
    files = sorted(p for d in VIEW_DIRS for p in d.rglob("*.py"))
    assert files, "no view modules found"
    return files


def test_no_literal_user_visible_strings_in_views() -> None:
    offences = [
        hit
        for path in view_sources()
        for hit in literal_strings_in_views(
            path.read_text(encoding="utf-8"), str(path.relative_to(REPO_ROOT))
        )
    ]
    assert not offences, "use catalog keys (shared/i18n) instead of literals:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "snippet",
    [
        'ft.Text("Hello")',
        'ft.TextField(label="姓名")',
        'ft.Button(content=f"Pay {amount} now")',
        'ft.IconButton(ft.Icons.ADD, tooltip="Add")',
    ],
)
def test_literal_scanner_catches_a_literal(snippet: str) -> None:
    assert literal_strings_in_views(f"import flet as ft\nx = {snippet}\n")


@pytest.mark.parametrize(
    "snippet",
    [
        't("home.heading")',
        'ft.Text(t("home.heading"))',
        'ft.Semantics(identifier="home-heading", content=x)',
        'ft.Text(f"{count}")',
        'ft.Text("")',
    ],
)
def test_literal_scanner_allows_keys_identifiers_and_values(snippet: str) -> None:
    assert literal_strings_in_views(f"import flet as ft\nx = {snippet}\n") == []


def test_every_language_has_every_key() -> None:
    assert set(CATALOGS) == set(LANGUAGES)
    reference = set(CATALOGS["zh-Hans"])
    for language, catalog in CATALOGS.items():
        missing = reference - set(catalog)
        extra = set(catalog) - reference
        assert not missing and not extra, f"{language}: missing {sorted(missing)}, extra {sorted(extra)}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Keys whose callers pass more fields than every language uses (each picks its own date order).
FREE_FIELDS = {"date.format": {"y", "m", "d", "month"}, "month.format": {"y", "m", "month"}}


def test_placeholders_agree_across_languages() -> None:
    for key, text in CATALOGS["zh-Hans"].items():
        for language in LANGUAGES:
            if key in FREE_FIELDS:
                assert _fields(CATALOGS[language][key]) <= FREE_FIELDS[key], f"{language} {key}"
            else:
                assert _fields(CATALOGS[language][key]) == _fields(text), f"{language} {key}"


def test_no_empty_or_untranslated_english_in_chinese() -> None:
    for language in ("zh-Hans", "zh-Hant"):
        for key, text in CATALOGS[language].items():
            assert text.strip(), f"{language} {key} is empty"
    same = [
        k
        for k, v in CATALOGS["zh-Hans"].items()
        if v == CATALOGS["en"][k] and not k.startswith(("language.", "settings.api.hint"))
    ]
    assert not same, f"zh-Hans text identical to English (untranslated?): {same}"


def _keys_used_in_app() -> set[str]:
    """String arguments of ``t("...")`` / ``translate(lang, "...")`` calls and catalog keys in dicts."""
    keys: set[str] = set()
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
            ):
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.count(".") >= 1
                and node.value.split(".")[0] in {"id", "name", "error", "identity", "camera", "outcome"}
                and " " not in node.value
                and "/" not in node.value
                and not node.value.endswith(".")
            ):
                keys.add(node.value)
    return keys


def test_every_key_the_app_uses_exists() -> None:
    used = _keys_used_in_app()
    assert len(used) > 30
    missing = sorted(k for k in used if k not in CATALOGS["zh-Hans"])
    assert not missing, f"keys used in app/ but missing from the catalogs: {missing}"


@pytest.mark.parametrize(
    "prefix, values",
    [
        ("benefit", BenefitType),
        ("cycle", CycleState),
        ("payment", PaymentState),
        ("method", CertificationMethod),
        ("action", ChallengeAction),
        ("special", SpecialGroup),
        ("visit.state", VisitState),
        ("visit.reason", VisitRequestReason),
        ("visit.record", VisitRecordReason),
    ],
)
def test_every_wire_enum_value_has_a_label(prefix: str, values) -> None:
    for value in values:
        assert f"{prefix}.{value}" in CATALOGS["zh-Hans"], f"{prefix}.{value}"


def test_translate_fills_fields_and_falls_back() -> None:
    assert translate("en", "id.progress", count=7) == "7 of 18 characters entered"
    assert Translator("zh-Hans")("id.progress", count=7) == "已输入 7 位，共 18 位"
    assert translate("en", "no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        Translator("fr")


def test_every_face_reason_code_has_a_plain_explanation() -> None:
    from face.types import ReasonCode

    missing = [
        code for code in ReasonCode if code != ReasonCode.OK and f"reason.{code}" not in CATALOGS["zh-Hans"]
    ]
    assert not missing, f"add reason.<code> to the catalogs for {missing}"
