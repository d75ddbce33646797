"""A message line under a field or a form (visibility switched on the Semantics wrapper)."""

from __future__ import annotations

import flet as ft

from app.common.components.theme import ERROR


class MessageLine:
    def __init__(self, identifier: str) -> None:
        self.text = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE, color=ERROR)
        self.control = ft.Semantics(identifier=identifier, live_region=True, content=self.text, visible=False)

    def show(self, message: str | None) -> None:
        self.text.value = message or ""
        self.control.visible = bool(message)
