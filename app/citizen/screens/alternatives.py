"""The ways to certify without a face check (staff visit, office, community attestation), each with
something to press: request a home visit (请工作人员上门) right from here, or call the office — the number
of the person's region from the agency's policy (``GET /api/v1/office``, the region being the first six
digits of the ID number typed on the identity screen; the national hotline 12333 until it is known)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.visit_request import VisitRequestForm
from app.common.api_client import ApiError
from app.common.components import buttons
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT, SURFACE
from shared.policy import DEFAULT_OFFICE_PHONE
from shared.schemas import OfficeContact

if TYPE_CHECKING:
    from app.common.ui import Ui


def _way(icon: ft.IconData, body: str, identifier: str) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.Row(
            [
                ft.Icon(icon, size=40, color=ACCENT),
                ft.Text(body, theme_style=ft.TextThemeStyle.BODY_LARGE, expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
            spacing=16,
        ),
    )


def office_region(ui: Ui) -> str | None:
    """The region to ask the office number for: the first six digits of a valid ID number typed so far."""
    check = ui.state.certify.identity.id_check
    return check.number[:6] if check.is_valid else None


def office_phone(ui: Ui) -> str:
    office = ui.state.office
    return office.phone if office is not None and office.region == office_region(ui) else DEFAULT_OFFICE_PHONE


def tel_url(phone: str) -> str:
    return "tel:" + "".join(ch for ch in phone if ch.isdigit())


def call_button(ui: Ui, label: str, phone: str) -> ft.Control:
    """Opens the phone's dialler with the number (``tel:``, inside the tap as browsers need); on a computer,
    whatever handles calls. (The action needs the session's page: none when a test builds the screen.)"""
    action = ft.OpenUrl(tel_url(phone)) if ui.page is not None else None
    return ft.Semantics(
        identifier="alt-call",
        content=ft.Row(
            [
                ft.Button(
                    content=label,
                    icon=ft.Icons.PHONE,
                    expand=True,
                    action=action,
                    data=tel_url(phone),
                    style=ft.ButtonStyle(
                        bgcolor=ACCENT,
                        color=SURFACE,
                        shape=ft.RoundedRectangleBorder(radius=14),
                        padding=ft.Padding.symmetric(horizontal=24, vertical=22),
                    ),
                )
            ]
        ),
    )


def build(ui: Ui) -> ft.View:
    t = ui.t
    region = office_region(ui)

    async def load_office() -> None:
        try:
            ui.state.office = await ui.api.office(region)
        except ApiError:  # (NetworkError too) keep the national hotline; never ask again for this region
            ui.state.office = OfficeContact(phone=DEFAULT_OFFICE_PHONE, region=region)
        ui.refresh()

    known = ui.state.office is not None and ui.state.office.region == region
    if not known and ui.page is not None:
        ui.page.run_task(load_office)

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
            call_button(ui, t("alt.call", phone=office_phone(ui)), office_phone(ui)),
            _way(ft.Icons.GROUPS, t("alt.attestation"), "alt-attestation"),
            buttons.secondary(t("common.home"), "alt-home", home, icon=ft.Icons.HOME),
        ],
        back_to="/certify/consent",
    )
