"""Texts the service itself sends a person (reminders, heir and visit notices), from the catalogs in the
person's language (``beneficiaries.language``; an unknown one falls back to the default language)."""

from __future__ import annotations

from datetime import date

from shared.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

__all__ = ["language_of", "notice", "written_date", "written_month"]


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def written_date(language: str, day: date) -> str:
    """2027年3月1日 / 1 March 2027."""
    month = translate(language, f"month.{day.month}")
    return translate(language, "date.format", y=day.year, m=day.month, d=day.day, month=month)


def written_month(language: str, year: int, month: int) -> str:
    """2026年12月 / December 2026."""
    return translate(language, "month.format", y=year, m=month, month=translate(language, f"month.{month}"))


def notice(language: str | None, key: str, /, **fields: object) -> str:
    """The notice ``key`` in the person's language with ``fields`` filled in."""
    return translate(language_of(language), key, **fields)
