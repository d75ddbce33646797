"""Dates written the way each language reads them (2027年3月1日 / 1 March 2027)."""

from __future__ import annotations

from datetime import date

from shared.i18n import translate


def format_date(day: date, language: str) -> str:
    month_name = translate(language, f"month.{day.month}")
    return translate(language, "date.format", y=day.year, m=day.month, d=day.day, month=month_name)
