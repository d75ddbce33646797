"""Message catalogs of the client, one per language (Simplified Chinese, Traditional Chinese, English).

Catalogs are plain Python dicts (``shared/i18n/zh_hans.py`` …) so they ship inside the phone bundle with
no file I/O. Keys are dotted names (``status.submit``); values may hold ``str.format`` fields
(``{count}``). :func:`translate` never raises for a missing key: it falls back to the default language,
then to the key itself, so a forgotten string is visible instead of crashing a screen — the test suite
fails on any key missing in any language.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.i18n import (
    cases,
    codes,
    console,
    death_reports,
    en,
    newcomer,
    payroll,
    record_changes,
    recovery,
    zh_hans,
    zh_hant,
)

__all__ = ["CATALOGS", "DEFAULT_LANGUAGE", "LANGUAGES", "Translator", "has_key", "translate"]

LANGUAGES: tuple[str, ...] = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hans"

CATALOGS: Mapping[str, Mapping[str, str]] = {
    "zh-Hans": {
        **codes.ZH_HANS,
        **zh_hans.MESSAGES,
        **console.ZH_HANS,
        **newcomer.ZH_HANS,
        **recovery.ZH_HANS,
        **payroll.ZH_HANS,
        **cases.ZH_HANS,
        **record_changes.ZH_HANS,
        **death_reports.ZH_HANS,
    },
    "zh-Hant": {
        **codes.ZH_HANT,
        **zh_hant.MESSAGES,
        **console.ZH_HANT,
        **newcomer.ZH_HANT,
        **recovery.ZH_HANT,
        **payroll.ZH_HANT,
        **cases.ZH_HANT,
        **record_changes.ZH_HANT,
        **death_reports.ZH_HANT,
    },
    "en": {
        **codes.EN,
        **en.MESSAGES,
        **console.EN,
        **newcomer.EN,
        **recovery.EN,
        **payroll.EN,
        **cases.EN,
        **record_changes.EN,
        **death_reports.EN,
    },
}


def translate(language: str, key: str, /, **fields: object) -> str:
    """The text for ``key`` in ``language`` with ``fields`` filled in."""
    catalog = CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
    text = catalog.get(key)
    if text is None:
        text = CATALOGS[DEFAULT_LANGUAGE].get(key, key)
    return text.format(**fields) if fields else text


def has_key(key: str) -> bool:
    return all(key in catalog for catalog in CATALOGS.values())


class Translator:
    """A translate function bound to one language: ``t = Translator("en"); t("home.title")``."""

    __slots__ = ("language",)

    def __init__(self, language: str) -> None:
        if language not in CATALOGS:
            raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
        self.language = language

    def __call__(self, key: str, /, **fields: object) -> str:
        return translate(self.language, key, **fields)
