"""One screen = one ``ft.View``: a plain top bar (back, title, settings) and a scrolling column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import flet as ft

from app.common.components.theme import ACCENT, SURFACE

if TYPE_CHECKING:
    from app.common.ui import Ui


def screen(ui: Ui, route: str, title: str, controls: Sequence[ft.Control], back_to: str | None = "/") -> ft.View:
    t = ui.t

    async def back() -> None:
        await ui.go(back_to or "/")

    async def settings() -> None:
        await ui.go("/settings")

    leading = (
        ft.Semantics(
            identifier="nav-back",
            content=ft.IconButton(ft.Icons.ARROW_BACK, icon_size=36, icon_color=SURFACE, tooltip=t("common.back"),
                                  on_click=back),
        )
        if back_to is not None
        else None
    )
    actions = []
    if route != "/settings":
        actions.append(
            ft.Semantics(
                identifier="nav-settings",
                content=ft.IconButton(ft.Icons.SETTINGS, icon_size=36, icon_color=SURFACE,
                                      tooltip=t("common.settings"), on_click=settings),
            )
        )
    bar = ft.AppBar(
        leading=leading,
        leading_width=72,
        title=ft.Semantics(identifier="screen-title", header=True,
                           content=ft.Text(title, color=SURFACE, theme_style=ft.TextThemeStyle.TITLE_LARGE)),
        bgcolor=ACCENT,
        toolbar_height=76,
        actions=actions,
        automatically_imply_leading=False,
    )
    body = ft.Container(
        content=ft.Column(list(controls), spacing=24, tight=True,
                          horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=ft.Padding.symmetric(horizontal=24, vertical=24),
        col={"xs": 12, "md": 10, "lg": 7},
    )
    return ft.View(
        route=route,
        appbar=bar,
        controls=[ft.ResponsiveRow([body], alignment=ft.MainAxisAlignment.CENTER)],
        scroll=ft.ScrollMode.AUTO,
        bgcolor=SURFACE,
        padding=0,
    )
