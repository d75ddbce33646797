"""Family helper sign-in: own ID number (checked as typed) and password."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.api_client import ApiError
from app.common.components import buttons, fields, text
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.identity import check_id_as_typed
from app.common.notices import notice_for

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    forms = ui.state.helper
    id_message, password_message, notice = (
        MessageLine(identifier="family-login-id-check"),
        MessageLine(identifier="family-login-password-check"),
        MessageLine(identifier="family-login-notice"),
    )

    def render() -> None:
        errors = forms.login_errors() if forms.attempted else {}
        check = check_id_as_typed(forms.login_id)
        invalid = check.message_key if check.status == "invalid" else None
        id_message.show(t(errors["id"]) if "id" in errors else t(invalid) if invalid else None)
        password_message.show(t(errors["password"]) if "password" in errors else None)

    def id_changed(e: ft.Event[ft.TextField]) -> None:
        forms.login_id = e.control.value or ""
        render()

    def password_changed(e: ft.Event[ft.TextField]) -> None:
        forms.password = e.control.value or ""
        render()

    async def submit() -> None:
        request = forms.login_request()
        render()
        if request is None:
            return
        try:
            await ui.api.login_helper(request)
            forms.relatives = await ui.api.relatives()
        except ApiError as exc:
            notice.show(notice_for(exc).render(t))
            return
        forms.password, forms.attempted = "", False
        await ui.go("/family/relatives")

    async def register() -> None:
        forms.attempted = False
        await ui.go("/family/register")

    render()
    return screen(
        ui,
        "/family",
        t("family.login.title"),
        [
            text.body(t("family.login.intro")),
            fields.tagged(
                "family-login-id",
                fields.text_field(
                    t("family.my_id.label"), t("id.hint"), forms.login_id, id_changed, on_submit=submit
                ),
            ),
            id_message.control,
            fields.tagged(
                "family-login-password",
                fields.text_field(
                    t("family.password.label"),
                    t("family.password.hint"),
                    forms.password,
                    password_changed,
                    on_submit=submit,
                    password=True,
                ),
            ),
            password_message.control,
            notice.control,
            buttons.primary(t("family.login.submit"), "family-login-submit", submit),
            buttons.secondary(t("family.register.link"), "family-register-link", register),
        ],
    )
