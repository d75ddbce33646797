"""Text in three roles: a screen heading, body text, and status lines (ok / error). Dates, amounts with their
unit, references and phone numbers never break across lines (app/common/nobreak.py)."""

from __future__ import annotations

import flet as ft

from app.common.components.theme import ERROR, MUTED_INK, OK
from app.common.nobreak import keep_together, plain


def _text(value: str, **style: object) -> ft.Text:
    """A Text whose lines never break inside a date or number; screen readers (and the browser's
    accessibility tree) get the text without the invisible glue."""
    glued = keep_together(value)
    spoken = plain(glued)
    return ft.Text(glued, semantics_label=spoken if spoken != glued else None, **style)  # type: ignore[arg-type]


def _tag(control: ft.Control, identifier: str | None) -> ft.Control:
    return ft.Semantics(identifier=identifier, content=control) if identifier else control


def heading(text: str, identifier: str | None = None) -> ft.Control:
    return _tag(_text(text, theme_style=ft.TextThemeStyle.HEADLINE_MEDIUM, selectable=False), identifier)


def subheading(text: str, identifier: str | None = None) -> ft.Control:
    return _tag(_text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), identifier)


def body(text: str, identifier: str | None = None, muted: bool = False) -> ft.Control:
    return _tag(
        _text(text, theme_style=ft.TextThemeStyle.BODY_LARGE, color=MUTED_INK if muted else None), identifier
    )


def status_line(text: str, ok: bool, identifier: str | None = None) -> ft.Control:
    """A line that says whether something is right; colour plus an icon, never colour alone."""
    icon = ft.Icons.CHECK_CIRCLE if ok else ft.Icons.ERROR
    colour = OK if ok else ERROR
    row = ft.Row(
        [
            ft.Icon(icon, color=colour, size=30),
            _text(text, color=colour, theme_style=ft.TextThemeStyle.BODY_LARGE, expand=True),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    return _tag(row, identifier)
