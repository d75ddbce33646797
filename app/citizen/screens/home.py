"""Home: four large choices, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor
from app.common.api_client import ApiError
from app.common.components import buttons, text
from app.common.components.scaffold import screen

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t

    def start(kind: CertifyFor):
        async def handler() -> None:
            ui.state.certify.restart(kind)
            await ui.go("/certify/consent")

        return handler

    async def certify_family() -> None:
        if not ui.api.signed_in:
            await ui.go("/family")
            return
        try:
            ui.state.helper.relatives = await ui.api.relatives()
        except ApiError:  # the sign-in expired: sign in again
            ui.api.sign_out()
            await ui.go("/family")
            return
        await ui.go("/family/relatives")

    async def abroad() -> None:
        await ui.go("/abroad")

    async def check_status() -> None:
        await ui.go("/status")

    return screen(
        ui,
        "/",
        t("app.title"),
        [
            text.heading(t("home.heading"), identifier="home-heading"),
            buttons.choice(
                t("home.certify_self"),
                t("home.certify_self.hint"),
                ft.Icons.FACE,
                "home-certify-self",
                start(CertifyFor.SELF),
            ),
            buttons.choice(
                t("home.certify_family"),
                t("home.certify_family.hint"),
                ft.Icons.FAMILY_RESTROOM,
                "home-certify-family",
                certify_family,
            ),
            buttons.choice(
                t("home.check_status"),
                t("home.check_status.hint"),
                ft.Icons.FACT_CHECK,
                "home-check-status",
                check_status,
            ),
            buttons.choice(t("home.abroad"), t("home.abroad.hint"), ft.Icons.PUBLIC, "home-abroad", abroad),
        ],
        back_to=None,
    )
