"""One way to turn an API answer's stable code into a sentence in the person's language.

The API answers every failure with ``error`` (a code), ``params`` and, for ``validation_error``, one detail
per field (``field``, ``code``, ``params``); its English ``message`` is only for other clients. Both apps
show :func:`error_text` — never the server's sentence — so a Chinese screen never shows English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from shared.i18n import has_key

__all__ = ["ALIASES", "error_key", "error_text", "fill", "reason_key"]

Params = Mapping[str, object]
Translate = Callable[[str], str]

# Codes the apps make up themselves (no answer, an unreadable answer) and their catalog keys.
ALIASES: dict[str, str] = {
    "network": "error.network",
    "server_error": "error.server",
    "bad_response": "error.server",
    "internal_error": "error.server",
}


class FieldProblem(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def params(self) -> Mapping[str, object]: ...


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "…"


def fill(template: str, params: Params) -> str:
    """``template`` with its ``{fields}`` from ``params``; a field the server did not send shows as "…"."""
    try:
        return template.format_map(_Missing(params))
    except (ValueError, IndexError):  # a stray brace in a catalog text: show it as it is
        return template


def error_key(code: str, status: int = 400) -> str:
    """The catalog key for an error ``code``: its own, a face reason's, else one chosen by the status."""
    if code in ALIASES:
        return ALIASES[code]
    for key in (f"error.{code}", f"reason.{code}"):
        if has_key(key):
            return key
    if status == 0:
        return "error.network"
    if status >= 500:
        return "error.server"
    if code.startswith("http_") and has_key(f"error.http_{code[5:]}"):
        return f"error.http_{code[5:]}"
    return "error.unknown"


def reason_key(reason: str) -> str:
    """The catalog key of a face-check reason code (``reason.unknown`` for a code this app does not know)."""
    key = f"reason.{reason}"
    return key if has_key(key) else "reason.unknown"


def _field_label(t: Translate, field: str) -> str | None:
    for name in (field, field.rsplit(".", 1)[-1]):
        if has_key(f"field.{name}"):
            return t(f"field.{name}")
    return None


def problem_text(t: Translate, problem: FieldProblem) -> str:
    """One field's problem: "地区编码：至少要 2 个字"."""
    key = f"validation.{problem.code}"
    if problem.code == "string_too_short" and problem.params.get("min_length", 1) == 1:
        key = "validation.missing"  # at least one character: the field was left empty
    what = fill(t(key if has_key(key) else "validation.invalid"), problem.params)
    label = _field_label(t, problem.field)
    return fill(t("validation.line"), {"field": label, "problem": what}) if label else what


def error_text(
    t: Translate,
    code: str,
    *,
    status: int = 400,
    params: Params | None = None,
    details: Iterable[FieldProblem] = (),
) -> str:
    """The sentence to show for an API error, from the catalogs only."""
    key = error_key(code, status)
    values: dict[str, object] = {"code": code, **(params or {})}
    text = fill(t(key), values)
    if code == "validation_error":
        lines = list(dict.fromkeys(problem_text(t, d) for d in details))
        if lines:
            text = "\n".join([text, *lines])
    return text
