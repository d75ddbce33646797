"""Consent before the first face capture: what is taken, what for, how long it is kept, the non-face way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT, CARD

if TYPE_CHECKING:
    from app.common.ui import Ui


def _section(icon: ft.IconData, title: str, body: str, identifier: str) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.Container(
            content=ft.Row(
                [
                    ft.Icon(icon, size=40, color=ACCENT),
                    ft.Column(
                        [
                            ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                            ft.Text(body, theme_style=ft.TextThemeStyle.BODY_LARGE),
                        ],
                        expand=True,
                        spacing=6,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
                spacing=16,
            ),
            bgcolor=CARD,
            border_radius=14,
            padding=18,
        ),
    )


def build(ui: Ui) -> ft.View:
    t = ui.t
    flow = ui.state.certify

    async def agree() -> None:
        flow.consented = True
        # A relative chosen (or being added) on the family screens needs no identity entry here.
        family = flow.binding_id is not None or flow.bind_request is not None
        await ui.go("/certify/camera" if family else "/certify/identity")

    async def decline() -> None:
        await ui.go("/certify/alternatives")

    return screen(
        ui,
        "/certify/consent",
        t("consent.title"),
        [
            _section(ft.Icons.PHOTO_CAMERA_FRONT, t("consent.what.title"), t("consent.what"), "consent-what"),
            _section(ft.Icons.VERIFIED_USER, t("consent.why.title"), t("consent.why"), "consent-why"),
            _section(ft.Icons.DELETE_OUTLINE, t("consent.keep.title"), t("consent.keep"), "consent-keep"),
            _section(ft.Icons.PEOPLE, t("consent.alt.title"), t("consent.alt"), "consent-alt"),
            buttons.secondary(t("consent.decline"), "consent-decline", decline),
        ],
        actions=[buttons.primary(t("consent.agree"), "consent-agree", agree)],
    )
