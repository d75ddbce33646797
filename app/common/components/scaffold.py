"""One screen = one ``ft.View``: a plain top bar (back, title, settings), a scrolling column and, when the
screen has a main action, a bar at the bottom holding it — on a phone the action stays on screen at every
text size however long the text above it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import flet as ft

from app.common.components.theme import ACCENT, NORMAL, RULE, SURFACE

if TYPE_CHECKING:
    from app.common.ui import Ui

# the content's width: all of a phone, less of a wide screen
COLUMNS: dict[str | ft.ResponsiveRowBreakpoint, int | float] = {"xs": 12, "md": 10, "lg": 7}


def screen(
    ui: Ui,
    route: str,
    title: str,
    controls: Sequence[ft.Control],
    back_to: str | None = "/",
    actions: Sequence[ft.Control] = (),
) -> ft.View:
    t = ui.t

    async def back() -> None:
        await ui.go(back_to or "/")

    async def settings() -> None:
        await ui.go("/settings")

    leading = (
        ft.Semantics(
            identifier="nav-back",
            content=ft.IconButton(
                ft.Icons.ARROW_BACK, icon_size=36, icon_color=SURFACE, tooltip=t("common.back"), on_click=back
            ),
        )
        if back_to is not None
        else None
    )
    bar_buttons: list[ft.Control] = []
    if route != "/settings":
        bar_buttons.append(
            ft.Semantics(
                identifier="nav-settings",
                content=ft.IconButton(
                    ft.Icons.SETTINGS,
                    icon_size=36,
                    icon_color=SURFACE,
                    tooltip=t("common.settings"),
                    on_click=settings,
                ),
            )
        )
    bar = ft.AppBar(
        leading=leading,
        leading_width=72,
        # the bar keeps the normal size at every text size: 1.5 times would not fit beside its buttons
        title=ft.Semantics(
            identifier="screen-title",
            header=True,
            content=ft.Text(
                title,
                color=SURFACE,
                size=NORMAL.title,
                weight=ft.FontWeight.W_600,
                overflow=ft.TextOverflow.ELLIPSIS,
            ),
        ),
        bgcolor=ACCENT,
        toolbar_height=76,
        actions=bar_buttons,
        automatically_imply_leading=False,
    )
    body = ft.Container(
        content=ft.Column(
            list(controls), spacing=24, tight=True, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        ),
        padding=ft.Padding.symmetric(horizontal=24, vertical=24),
        col=COLUMNS,
    )
    if not actions:
        return ft.View(
            route=route,
            appbar=bar,
            controls=[ft.ResponsiveRow([body], alignment=ft.MainAxisAlignment.CENTER)],
            scroll=ft.ScrollMode.AUTO,
            bgcolor=SURFACE,
            padding=0,
        )
    # The content scrolls above the action bar; the bar takes the height its buttons need.
    content = ft.Column(
        [ft.ResponsiveRow([body], alignment=ft.MainAxisAlignment.CENTER)],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
    action_bar = ft.Semantics(
        identifier="action-bar",
        content=ft.Container(
            content=ft.ResponsiveRow(
                [
                    ft.Container(
                        content=ft.Column(
                            list(actions),
                            spacing=12,
                            tight=True,
                            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                        ),
                        col=COLUMNS,
                    )
                ],
                alignment=ft.MainAxisAlignment.CENTER,
            ),
            padding=ft.Padding.symmetric(horizontal=24, vertical=12),
            bgcolor=SURFACE,
            border=ft.Border.only(top=ft.BorderSide(1, RULE)),
        ),
    )
    return ft.View(
        route=route,
        appbar=bar,
        controls=[ft.Column([content, action_bar], expand=True, spacing=0)],
        bgcolor=SURFACE,
        padding=0,
    )
