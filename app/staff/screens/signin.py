"""Staff sign-in: the staff app's first screen; a signed-in session goes to the home screen (``/``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.staff.components.console_nav import error_line

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    values = {"username": "", "password": ""}

    def set_value(key: str):
        def handler(e: ft.Event[ft.TextField]) -> None:
            values[key] = e.control.value or ""

        return handler

    username = text_field(t("console.username"), "", "", set_value("username"))
    password = text_field(t("console.password"), "", "", set_value("password"))
    password.password = True
    password.can_reveal_password = True
    message, message_row = error_line("console-login-error")

    async def sign_in() -> None:
        values["username"] = username.value or values["username"]
        values["password"] = password.value or values["password"]
        ok = await state.sign_in(ui.state.settings.api_url, values["username"], values["password"])
        if ok:
            ui.refresh()  # "/" is the home screen once signed in
            ui.page.update()
            return
        message.value = state.message(t)
        ui.page.update()

    password.on_submit = sign_in
    return screen(
        ui,
        "/",
        t("console.login.title"),
        [
            text.body(t("console.login.intro")),
            tagged("console-username", username),
            tagged("console-password", password),
            message_row,
            buttons.primary(t("console.sign_in"), "console-sign-in", sign_in),
        ],
        back_to=None,
    )
