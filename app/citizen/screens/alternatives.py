"""The ways to certify without a face check (staff visit, office, community attestation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

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

    return screen(
        ui,
        "/certify/alternatives",
        t("alt.title"),
        [
            _way(ft.Icons.HOME_WORK, t("alt.onsite"), "alt-onsite"),
            _way(ft.Icons.ACCOUNT_BALANCE, t("alt.office"), "alt-office"),
            _way(ft.Icons.GROUPS, t("alt.attestation"), "alt-attestation"),
            buttons.primary(t("common.home"), "alt-home", home),
        ],
        back_to="/certify/consent",
    )
