"""What a user can change in either app (language, text size, API address) and the address check."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from shared.i18n import DEFAULT_LANGUAGE, LANGUAGES

DEFAULT_API_URL = "http://127.0.0.1:8000"


@dataclass
class Settings:
    """What the user can change on the settings screen."""

    language: str = DEFAULT_LANGUAGE
    large_text: bool = False
    api_url: str = DEFAULT_API_URL
    # The server address is a staff/developer setting: the citizens' app gets it from its build or its
    # command line (--api) and neither shows it on the settings screen nor takes a stored one.
    api_editable: bool = True
    speech: bool = True  # spoken guidance (app/common/speech.py): on by default

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language


def normalise_api_url(text: str) -> str | None:
    """``http(s)://host[:port][/path]`` without a trailing slash, or None when it is not such an address."""
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return text.rstrip("/")
