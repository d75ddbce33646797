"""ID number + name fields bound to an ``IdentityForm``; the ID is checked on every keystroke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.common.components import fields
from app.common.components.theme import ERROR, INK, MUTED_INK, OK
from app.common.identity import IdentityForm
from shared.i18n import Translator


class IdentityFields:
    """The two fields and the message lines under them; ``id_prefix`` namespaces semantics identifiers."""

    def __init__(
        self, form: IdentityForm, t: Translator, id_prefix: str, on_submit: Callable[..., Any] | None = None
    ) -> None:
        self.form = form
        self.t = t
        self.id_field = fields.text_field(
            t("id.label"), t("id.hint"), form.id_text, self._id_changed, on_submit=on_submit
        )
        self.name_field = fields.text_field(
            t("name.label"), t("name.hint"), form.name, self._name_changed, on_submit=on_submit
        )
        self.id_icon = ft.Icon(ft.Icons.INFO_OUTLINE, size=30, color=MUTED_INK)
        self.id_message = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE, expand=True)
        self.name_message = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE, color=ERROR)
        # Visibility is switched on the Semantics wrapper: Semantics insists on visible content.
        self.name_row = fields.tagged(f"{id_prefix}-name-check", self.name_message)
        self.controls: list[ft.Control] = [
            fields.tagged(f"{id_prefix}-id", self.id_field),
            fields.tagged(
                f"{id_prefix}-id-check",
                ft.Row([self.id_icon, self.id_message], vertical_alignment=ft.CrossAxisAlignment.START),
            ),
            fields.tagged(f"{id_prefix}-name", self.name_field),
            self.name_row,
        ]
        self.render()

    def _id_changed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.id_text = e.control.value or ""
        self.render()

    def _name_changed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.name = e.control.value or ""
        self.render()

    def render(self) -> None:
        """Put the form's current verdicts into the message lines."""
        t, form = self.t, self.form
        check = form.id_check
        error_key = form.id_error_key()
        if error_key:
            self.id_message.value, colour, icon = t(error_key), ERROR, ft.Icons.ERROR
        elif check.status == "valid":
            self.id_message.value, colour, icon = t("id.ok"), OK, ft.Icons.CHECK_CIRCLE
        elif check.status == "typing":
            self.id_message.value, colour, icon = (
                t("id.progress", count=check.count),
                MUTED_INK,
                ft.Icons.EDIT,
            )
        else:
            self.id_message.value, colour, icon = t("id.hint"), MUTED_INK, ft.Icons.INFO_OUTLINE
        self.id_message.color = colour
        self.id_icon.icon, self.id_icon.color = icon, colour
        self.id_field.border_color = ERROR if error_key else INK
        name_key = form.name_error_key()
        self.name_message.value = t(name_key) if name_key else ""
        self.name_row.visible = bool(name_key)
