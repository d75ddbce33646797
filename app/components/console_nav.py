"""The staff console's navigation row and the guard that sends signed-out visitors to sign-in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.components import buttons
from app.components.theme import ERROR
from app.console_state import MIN_REASON, ConsoleState

if TYPE_CHECKING:
    from app.ui import Ui


def nav(ui: Ui, state: ConsoleState) -> ft.Control:
    t = ui.t

    def go(route: str):
        async def handler() -> None:
            await ui.go(route)

        return handler

    async def sign_out() -> None:
        await state.sign_out()
        await ui.go("/console")

    who = ""
    if state.staff is not None:
        who = t("console.signed_in_as", name=state.staff.name, role=t(f"console.role.{state.staff.role.value}"))
    return ft.Column(
        [
            ft.Semantics(identifier="console-who", content=ft.Text(who)),
            ft.Row(
                [
                    buttons.secondary(t("console.nav.review"), "console-nav-review", go("/console/review")),
                    buttons.secondary(t("console.nav.cycle"), "console-nav-cycle", go("/console/cycle")),
                    buttons.secondary(t("console.nav.stats"), "console-nav-stats", go("/console/stats")),
                    buttons.secondary(t("console.nav.mismatches"), "console-nav-mismatches",
                                      go("/console/mismatches")),
                    buttons.secondary(t("console.nav.spotchecks"), "console-nav-spotchecks",
                                      go("/console/spotchecks")),
                    buttons.secondary(t("console.nav.audit"), "console-nav-audit", go("/console/audit")),
                    buttons.secondary(t("console.sign_out"), "console-sign-out", sign_out),
                ],
                wrap=True,
                spacing=12,
            ),
        ],
        spacing=8,
    )


def signed_out(ui: Ui, route: str, title: str) -> ft.View:
    """What a console screen shows before sign-in: a note and the way to the sign-in screen."""
    from app.components import text
    from app.components.scaffold import screen

    async def to_login() -> None:
        await ui.go("/console")

    return screen(ui, route, title, [text.body(ui.t("console.login.required")),
                                     buttons.primary(ui.t("console.sign_in"), "console-go-login", to_login)])


def error_line(identifier: str) -> tuple[ft.Text, ft.Control]:
    """A live-region line for errors: (the Text to set, the control to place)."""
    message = ft.Text("", color=ERROR)
    return message, ft.Semantics(identifier=identifier, live_region=True, content=message)


def bar(fraction: float, *, width: int = 320, height: int = 22, color: str | None = None) -> ft.Control:
    """A horizontal bar for the charts (Flet 1.0.5 ships no chart control; flet-charts is not installed)."""
    from app.components.theme import ACCENT, CARD

    fraction = max(0.0, min(1.0, fraction))
    return ft.Container(
        width=width,
        height=height,
        bgcolor=CARD,
        border_radius=4,
        content=ft.Row(
            [ft.Container(width=max(1, int(width * fraction)), height=height, bgcolor=color or ACCENT, border_radius=4)],
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
