"""Text fields with large type and room for a message under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.common.components.theme import ACCENT, INK


def text_field(
    label: str,
    hint: str,
    value: str,
    on_change: Callable[..., Any],
    on_submit: Callable[..., Any] | None = None,
    max_length: int | None = None,
    keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
    password: bool = False,
) -> ft.TextField:
    return ft.TextField(
        label=label,
        hint_text=hint,
        value=value,
        on_change=on_change,
        on_submit=on_submit,
        max_length=max_length,
        keyboard_type=keyboard,
        password=password,
        can_reveal_password=password,
        autocorrect=False,
        enable_suggestions=False,
        border_width=2,
        border_color=INK,
        focused_border_color=ACCENT,
        focused_border_width=3,
        content_padding=ft.Padding.symmetric(horizontal=16, vertical=18),
    )


def tagged(identifier: str, control: ft.Control) -> ft.Control:
    return ft.Semantics(identifier=identifier, content=control)
