"""The helper's bound relatives, one large button each (with "request a home visit" under it), and "add a
family member"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor
from app.citizen.visit_request import VisitRequestForm
from app.common.components import buttons, text
from app.common.components.scaffold import screen

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    forms = ui.state.helper
    certify = ui.state.certify

    def certify_relative(binding_id: int):
        async def handler() -> None:
            certify.restart(CertifyFor.FAMILY)
            certify.binding_id = binding_id
            await ui.go("/certify/consent")

        return handler

    def request_visit(binding_id: int, name: str):
        async def handler() -> None:
            ui.state.visit_request = VisitRequestForm.for_relative(binding_id, name)
            await ui.go("/visit-request")

        return handler

    async def add() -> None:
        forms.attempted = False
        await ui.go("/family/bind")

    async def sign_out() -> None:
        ui.api.sign_out()
        forms.relatives = []
        await ui.go("/")

    cards: list[ft.Control] = []
    for i, r in enumerate(forms.relatives):
        cards += [
            buttons.choice(
                t("family.relative.certify", name=r.name, relationship=r.relationship),
                t("family.relative.hint"),
                ft.Icons.ELDERLY,
                f"family-relative-{i}",
                certify_relative(r.binding_id),
            ),
            buttons.secondary(
                t("family.relative.visit", name=r.name),
                f"family-relative-{i}-visit",
                request_visit(r.binding_id, r.name),
                icon=ft.Icons.HOME_WORK,
            ),
        ]
    cards = cards or [text.body(t("family.relatives.none"), identifier="family-relatives-none")]
    return screen(
        ui,
        "/family/relatives",
        t("family.relatives.title"),
        [
            *cards,
            buttons.primary(t("family.add"), "family-add", add),
            buttons.secondary(t("family.sign_out"), "family-sign-out", sign_out, icon=ft.Icons.LOGOUT),
        ],
        back_to="/",
    )
