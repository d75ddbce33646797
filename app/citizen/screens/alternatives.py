"""The ways to certify without a face check (staff visit, office, community attestation), and the request
for a home visit (请工作人员上门) right from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.visit_request import VisitRequestForm
from app.common.components import buttons
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT

if TYPE_CHECKING:
    from app.common.ui import Ui


def _way(icon: ft.IconData, body: str, identifier: str) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.Row([ft.Icon(icon, size=40, color=ACCENT),
                        ft.Text(body, theme_style=ft.TextThemeStyle.BODY_LARGE, expand=True)],
                       vertical_alignment=ft.CrossAxisAlignment.START, spacing=16),
    )


def build(ui: Ui) -> ft.View:
    t = ui.t

    async def home() -> None:
        await ui.go("/")

    async def request_visit() -> None:
        identity = ui.state.certify.identity  # what was typed on the identity screen, if anything
        ui.state.visit_request = VisitRequestForm.for_person(identity if identity.id_text else None)
        await ui.go("/visit-request")

    return screen(
        ui,
        "/certify/alternatives",
        t("alt.title"),
        [
            _way(ft.Icons.HOME_WORK, t("alt.onsite"), "alt-onsite"),
            buttons.primary(t("alt.request_visit"), "alt-request-visit", request_visit),
            _way(ft.Icons.ACCOUNT_BALANCE, t("alt.office"), "alt-office"),
            _way(ft.Icons.GROUPS, t("alt.attestation"), "alt-attestation"),
            buttons.secondary(t("common.home"), "alt-home", home, icon=ft.Icons.HOME),
        ],
        back_to="/certify/consent",
    )
