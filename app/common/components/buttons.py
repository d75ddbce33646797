"""Big buttons: at least 76 px tall (taller with the large text size), full width, one clear label (and an
optional second line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.common.components.theme import ACCENT, CARD, INK, MUTED_INK, SURFACE
from app.common.nobreak import phrase

Handler = Callable[..., Any]


def choice(title: str, hint: str, icon: ft.IconData, identifier: str, on_click: Handler) -> ft.Control:
    """A home-screen choice: icon and title on one row, a plain explanation under them across the card's
    whole width (at the large text size a title squeezed between the icon and an arrow broke mid-word); the
    whole card is tappable (its border says so)."""
    card = ft.Container(
        content=ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(icon, size=40, color=ACCENT),
                        # a short title (为自己认证) stays on one line; a long one breaks where it must
                        ft.Text(
                            phrase(title) if len(title) <= 6 else title,
                            semantics_label=title,
                            theme_style=ft.TextThemeStyle.TITLE_LARGE,
                            color=INK,
                            expand=True,
                        ),
                    ],
                    spacing=12,
                ),
                ft.Text(hint, theme_style=ft.TextThemeStyle.BODY_MEDIUM, color=MUTED_INK),
            ],
            spacing=6,
        ),
        bgcolor=CARD,
        border=ft.Border.all(2, ACCENT),
        border_radius=16,
        padding=ft.Padding.symmetric(horizontal=20, vertical=18),
        on_click=on_click,
        ink=True,
    )
    return ft.Semantics(identifier=identifier, button=True, content=card)


# A disabled button must look disabled: grey, not the accent colour of one that can be pressed.
DISABLED_FILL, DISABLED_INK = "#D6D6D6", "#5C5C5C"


def _style(primary: bool) -> ft.ButtonStyle:
    return ft.ButtonStyle(
        bgcolor={
            ft.ControlState.DISABLED: DISABLED_FILL,
            ft.ControlState.DEFAULT: ACCENT if primary else SURFACE,
        },
        color={
            ft.ControlState.DISABLED: DISABLED_INK,
            ft.ControlState.DEFAULT: SURFACE if primary else ACCENT,
        },
        side={
            ft.ControlState.DISABLED: ft.BorderSide(2, DISABLED_FILL),
            ft.ControlState.DEFAULT: ft.BorderSide(2, ACCENT),
        },
        shape=ft.RoundedRectangleBorder(radius=14),
        # No fixed height: 22 px above and below a one-line label makes 76 px at the normal text size, and
        # the button grows with the large text size or a label on two lines instead of clipping it.
        padding=ft.Padding.symmetric(horizontal=24, vertical=22),
    )


def primary(text: str, identifier: str, on_click: Handler, disabled: bool = False) -> ft.Control:
    button = ft.Button(content=text, on_click=on_click, style=_style(True), expand=True, disabled=disabled)
    return ft.Semantics(identifier=identifier, content=ft.Row([button]))


def secondary(text: str, identifier: str, on_click: Handler, icon: ft.IconData | None = None) -> ft.Control:
    button = ft.OutlinedButton(content=text, icon=icon, on_click=on_click, style=_style(False), expand=True)
    return ft.Semantics(identifier=identifier, content=ft.Row([button]))


def relabel(control: ft.Control, text: str) -> None:
    """Change the label of a button made by ``primary`` or ``secondary`` (a Row of it in a Semantics)."""
    row = control.content if isinstance(control, ft.Semantics) else None
    button = row.controls[0] if isinstance(row, ft.Row) and row.controls else None
    if not isinstance(button, ft.Button | ft.OutlinedButton):
        raise TypeError(control)  # not made by primary() or secondary(): a programming error
    button.content = text


def compact(text: str, identifier: str, on_click: Handler) -> ft.Control:
    """A small outlined button for a row of many that wraps (the staff app's navigation): a 48 px target,
    as wide as its label, so a phone's first screen keeps room for the content."""
    style = _style(False)
    style.padding = ft.Padding.symmetric(horizontal=14, vertical=8)
    button = ft.OutlinedButton(content=text, on_click=on_click, style=style, height=48)
    return ft.Semantics(identifier=identifier, button=True, content=button)


def toggle(text: str, identifier: str, selected: bool, on_click: Handler) -> ft.Control:
    """One option of a choice (language, text size): the chosen one is filled and ticked."""
    button = ft.Button(
        content=text,
        icon=ft.Icons.CHECK if selected else None,
        on_click=on_click,
        style=_style(selected),
        expand=True,
    )
    return ft.Semantics(identifier=identifier, selected=selected, content=ft.Row([button]))


def chip(text: str, identifier: str, selected: bool, on_click: Handler) -> ft.Control:
    """A filter that is on or off (several side by side, wrapping): the chosen ones are filled and ticked."""
    style = _style(selected)
    style.padding = ft.Padding.symmetric(horizontal=16, vertical=6)
    button = ft.Button(
        content=text, icon=ft.Icons.CHECK if selected else None, on_click=on_click, style=style, height=54
    )
    return ft.Semantics(identifier=identifier, selected=selected, content=button)


def pick_files(label: str, identifier: str, picker: ft.FilePicker, extensions: list[str]) -> ft.Control:
    """A full-width outlined button that opens the file picker for several files of ``extensions``."""
    return ft.Semantics(
        identifier=identifier,
        content=ft.Row(
            [
                ft.OutlinedButton(
                    content=label,
                    icon=ft.Icons.ATTACH_FILE,
                    height=76,
                    expand=True,
                    style=ft.ButtonStyle(
                        color=ACCENT,
                        bgcolor=SURFACE,
                        side=ft.BorderSide(2, ACCENT),
                        shape=ft.RoundedRectangleBorder(radius=14),
                    ),
                    action=ft.PickFiles(
                        picker,
                        file_type=ft.FilePickerFileType.CUSTOM,
                        allowed_extensions=extensions,
                        allow_multiple=True,
                        with_data=True,
                    ),
                )
            ]
        ),
    )
