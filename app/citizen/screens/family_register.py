"""Register a family-helper account: own ID number and name, phone, password; then signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.api_client import ApiError
from app.common.components import buttons, fields
from app.common.components.identity_fields import IdentityFields
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.notices import notice_for
from shared.schemas import LoginRequest

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    forms = ui.state.helper
    phone_message, password_message, notice = (
        MessageLine(identifier="family-register-phone-check"),
        MessageLine(identifier="family-register-password-check"),
        MessageLine(identifier="family-register-notice"),
    )

    def render() -> None:
        identity.render()
        errors = forms.register_errors() if forms.attempted else {}
        phone_message.show(t(errors["phone"]) if "phone" in errors else None)
        password_message.show(t(errors["password"]) if "password" in errors else None)

    def phone_changed(e: ft.Event[ft.TextField]) -> None:
        forms.phone = e.control.value or ""
        render()

    def password_changed(e: ft.Event[ft.TextField]) -> None:
        forms.password = e.control.value or ""
        render()

    async def submit() -> None:
        request = forms.register_request()
        render()
        if request is None:
            return
        try:
            await ui.api.register_helper(request)
            await ui.api.login_helper(LoginRequest(username=request.id_number, password=request.password))
            forms.relatives = await ui.api.relatives()
        except ApiError as exc:
            notice.show(notice_for(exc).render(t))
            return
        forms.password, forms.attempted = "", False
        await ui.go("/family/relatives")

    identity = IdentityFields(forms.identity, t, id_prefix="family-register", on_submit=submit)
    render()
    return screen(
        ui,
        "/family/register",
        t("family.register.title"),
        [
            *identity.controls,
            fields.tagged(
                "family-register-phone",
                fields.text_field(
                    t("family.phone.label"), "", forms.phone, phone_changed, keyboard=ft.KeyboardType.PHONE
                ),
            ),
            phone_message.control,
            fields.tagged(
                "family-register-password",
                fields.text_field(
                    t("family.password.label"),
                    t("family.password.hint"),
                    forms.password,
                    password_changed,
                    password=True,
                ),
            ),
            password_message.control,
            notice.control,
            buttons.primary(t("family.register.submit"), "family-register-submit", submit),
        ],
        back_to="/family",
    )
