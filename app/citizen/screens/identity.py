"""Identity entry of the certification flow (after consent): the ID number checked as typed, and the name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor
from app.common.components import buttons, text
from app.common.components.identity_fields import IdentityFields
from app.common.components.scaffold import screen

if TYPE_CHECKING:
    from app.common.ui import Ui

_TITLES = {
    CertifyFor.SELF: "identity.title_self",
    CertifyFor.FAMILY: "identity.title_family",
    CertifyFor.ABROAD: "identity.title_abroad",
}
_NOTES = {
    CertifyFor.FAMILY: "identity.family.note",
    CertifyFor.ABROAD: "identity.abroad.note",
}


def build(ui: Ui) -> ft.View:
    t = ui.t
    flow = ui.state.certify

    async def next_step() -> None:
        if not flow.identity.attempt():
            fields.render()
            return
        await ui.go("/certify/camera")

    fields = IdentityFields(flow.identity, t, id_prefix="identity", on_submit=next_step)
    note = _NOTES.get(flow.kind)
    return screen(
        ui,
        "/certify/identity",
        t("app.title"),
        [
            text.heading(t(_TITLES[flow.kind]), identifier="identity-heading"),
            *([text.body(t(note), identifier="identity-note")] if note else []),
            *fields.controls,
        ],
        back_to="/certify/consent",
        actions=[buttons.primary(t("identity.next"), "identity-next", next_step)],
    )
