"""Add (bind) a relative: their ID number and name, and the relationship; then consent and their face
check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor
from app.common.components import buttons, fields, text
from app.common.components.identity_fields import IdentityFields
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    forms = ui.state.helper
    relationship_message = MessageLine(identifier="family-bind-relationship-check")

    def relationship_changed(e: ft.Event[ft.TextField]) -> None:
        forms.relationship = e.control.value or ""
        relationship_message.show(None)

    async def next_step() -> None:
        request = forms.bind_request()
        relative.render()
        if request is None:
            if not forms.relationship.strip():
                relationship_message.show(t("family.error.relationship"))
            return
        ui.state.certify.restart(CertifyFor.FAMILY)
        ui.state.certify.bind_request = request
        await ui.go("/certify/consent")

    relative = IdentityFields(forms.relative, t, id_prefix="family-bind", on_submit=next_step)
    return screen(
        ui,
        "/family/bind",
        t("family.bind.title"),
        [
            text.body(t("family.bind.intro")),
            *relative.controls,
            fields.tagged(
                "family-bind-relationship",
                fields.text_field(
                    t("family.relationship.label"),
                    t("family.relationship.hint"),
                    forms.relationship,
                    relationship_changed,
                ),
            ),
            relationship_message.control,
            buttons.primary(t("family.bind.next"), "family-bind-next", next_step),
        ],
        back_to="/family/relatives",
    )
