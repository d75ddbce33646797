"""The staff app's home: who is signed in, one large choice per entry the role may use, sign-out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.staff.navigation import entries_for

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    staff = state.staff
    assert staff is not None, "the home screen is shown to a signed-in session only"

    def go(route: str):
        async def handler() -> None:
            await ui.go(route)

        return handler

    async def sign_out() -> None:
        await state.sign_out()
        ui.refresh()  # "/" is the sign-in screen again
        ui.page.update()

    entries = entries_for(staff.role)
    choices = [
        buttons.choice(t(e.label_key), t(e.hint_key), e.icon, f"staff-home-{e.slug}", go(e.route))
        for e in entries
    ]
    if not choices:
        choices = [text.body(t("console.home.none"), identifier="staff-home-none")]
    who = t("console.signed_in_as", name=staff.name, role=t(f"console.role.{staff.role.value}"))
    return screen(
        ui,
        "/",
        t("console.title"),
        [
            text.heading(t("console.home.heading"), identifier="staff-home-heading"),
            text.body(who, identifier="console-who"),
            *choices,
            buttons.secondary(t("console.sign_out"), "console-sign-out", sign_out, icon=ft.Icons.LOGOUT),
        ],
        back_to=None,
    )
