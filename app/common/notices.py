"""What to tell the user about an API error: a catalog key when there is one, else the server's text.

The key is the one named for the code below, else ``error.<code>`` when the catalogs have it (e.g.
``error.id_card_mismatch``), else ``reason.<code>`` for a face reason code (a reference photo refused by
the quality gate answers ``no_face``, ``too_dark`` …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.common.api_client import ApiError
from shared.i18n import has_key

_ERROR_KEYS = {
    "network": "error.network",
    "not_found": "error.not_found",
    "rate_limited": "error.rate_limited",
    "server_error": "error.server",
    "bad_response": "error.server",
}


@dataclass(frozen=True)
class Notice:
    """Something to tell the user: a catalog key when we have one, else the server's own message."""

    key: str | None = None
    text: str = ""

    def render(self, t: Callable[[str], str]) -> str:
        return t(self.key) if self.key else self.text


def notice_for(error: ApiError) -> Notice:
    key = _ERROR_KEYS.get(error.code)
    if error.code == "invalid_id_number" and error.details:
        key = f"id.error.{error.details[0].code}"
        key = key if has_key(key) else "id.error.format"
    if key is None:
        key = next((k for k in (f"error.{error.code}", f"reason.{error.code}") if has_key(k)), None)
    if key is None and error.status >= 500:
        key = "error.server"
    return Notice(key=key, text=error.message)
