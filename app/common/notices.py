"""What to tell the user about an API error: a catalog key and the params to fill it with.

The key is ``id.error.<detail>`` for an ID number the server refused, else the one
:func:`shared.i18n.errors.error_key` picks for the code (``error.<code>``, a face reason's
``reason.<code>`` — a reference photo refused by the quality gate answers ``no_face``, ``too_dark`` … —
or a generic one by status). The server's English sentence is never shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from app.common.api_client import ApiError
from shared.i18n import has_key
from shared.i18n.errors import error_key, error_text, fill


@dataclass(frozen=True)
class Notice:
    """Something to tell the user: a catalog key, its fields, and the API error it came from (if any)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    error: ApiError | None = None

    def render(self, t: Callable[[str], str]) -> str:
        if self.error is not None and self.key == error_key(self.error.code, self.error.status):
            return self.error.text(t)
        return fill(t(self.key), self.params) if self.params else t(self.key)


def notice_for(error: ApiError) -> Notice:
    if error.code == "invalid_id_number" and error.details:
        key = f"id.error.{error.details[0].code}"
        return Notice(key=key if has_key(key) else "id.error.format", error=error)
    params = {"code": error.code, **error.params}
    return Notice(key=error_key(error.code, error.status), params=params, error=error)


__all__ = ["Notice", "error_text", "notice_for"]
