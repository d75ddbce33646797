"""The staff app's navigation row and the gate in front of every screen (signed in, role allowed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons
from app.common.components.theme import ERROR
from app.staff.console_state import MIN_REASON, ConsoleState
from app.staff.navigation import allowed, entries_for

if TYPE_CHECKING:
    from app.common.ui import Ui


def nav(ui: Ui, state: ConsoleState) -> ft.Control:
    """Who is signed in, a button per entry the role may use (``app.staff.navigation``), and sign-out."""
    t = ui.t

    def go(route: str):
        async def handler() -> None:
            await ui.go(route)

        return handler

    async def sign_out() -> None:
        await state.sign_out()
        await ui.go("/")

    role = state.staff.role if state.staff is not None else None
    who = ""
    if state.staff is not None:
        who = t(
            "console.signed_in_as", name=state.staff.name, role=t(f"console.role.{state.staff.role.value}")
        )
    entries = [
        buttons.compact(t(e.label_key), f"console-nav-{e.slug}", go(e.route)) for e in entries_for(role)
    ]
    return ft.Column(
        [
            ft.Semantics(identifier="console-who", content=ft.Text(who)),
            ft.Row(
                [*entries, buttons.compact(t("console.sign_out"), "console-sign-out", sign_out)],
                wrap=True,
                spacing=8,
                run_spacing=8,
            ),
        ],
        spacing=8,
    )


def gate(ui: Ui, state: ConsoleState, route: str, title: str) -> ft.View | None:
    """What a staff screen shows instead of itself: sign-in first, or a note when the role may not use it;
    None when the screen may be shown."""
    from app.common.components import text
    from app.common.components.scaffold import screen

    async def to_start() -> None:
        await ui.go("/")

    if not state.signed_in or state.staff is None:
        return screen(
            ui,
            route,
            title,
            [
                text.body(ui.t("console.login.required")),
                buttons.primary(ui.t("console.sign_in"), "console-go-login", to_start),
            ],
        )
    if not allowed(route, state.staff.role):
        return screen(
            ui,
            route,
            title,
            [
                text.body(ui.t("console.not_allowed"), identifier="console-not-allowed"),
                buttons.primary(ui.t("console.home.back"), "console-go-home", to_start),
            ],
        )
    return None


def error_line(identifier: str) -> tuple[ft.Text, ft.Control]:
    """A live-region line for errors: (the Text to set, the control to place)."""
    message = ft.Text("", color=ERROR)
    return message, ft.Semantics(identifier=identifier, live_region=True, content=message)


def bar(fraction: float, *, width: int = 320, height: int = 22, color: str | None = None) -> ft.Control:
    """A horizontal bar for the charts (Flet 1.0.5 ships no chart control; flet-charts is not installed)."""
    from app.common.components.theme import ACCENT, CARD

    fraction = max(0.0, min(1.0, fraction))
    return ft.Container(
        width=width,
        height=height,
        bgcolor=CARD,
        border_radius=4,
        content=ft.Row(
            [
                ft.Container(
                    width=max(1, int(width * fraction)),
                    height=height,
                    bgcolor=color or ACCENT,
                    border_radius=4,
                )
            ],
            spacing=0,
        ),
    )


def reasoned_decision(
    ui: Ui,
    reason: ft.TextField,
    message: ft.Text,
    reason_required: str,
    act: Callable[[str], Awaitable[object]],
    after: Callable[[], None],
) -> Callable[[], Awaitable[None]]:
    """A click handler for a staff decision that needs a reason: refuse a short reason with
    ``reason_required``, else ``await act(reason)``, then ``after()`` (re-render) and update the page."""

    async def handler() -> None:
        if len((reason.value or "").strip()) < MIN_REASON:
            message.value = reason_required
            ui.page.update()
            return
        await act(reason.value or "")
        after()
        ui.page.update()

    return handler
