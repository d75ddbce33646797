"""Home visit, after a passed face check: confirm or update the person's phone and address (optional),
authorised by today's receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.staff.components.visit_nav import step_line, visit_gate
from app.staff.visit_state import VisitStep

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.CONTACT.route


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    console = ui.state.console
    visit = console.visit
    message = MessageLine(identifier="visit-contact-notice")
    phone = text_field(
        t("visit.contact.phone"),
        t("visit.contact.phone_hint"),
        visit.entry.phone or "",
        lambda e: None,
        keyboard=ft.KeyboardType.PHONE,
    )
    address = text_field(t("visit.contact.address"), t("visit.contact.address_hint"), "", lambda e: None)

    async def save() -> None:
        if await visit.update_contact(console.field_client, phone.value or "", address.value or ""):
            await ui.go(VisitStep.DONE.route)
            return
        message.show(visit.notice.render(t) if visit.notice else None)
        ui.page.update()

    async def skip() -> None:
        visit.notice = None
        await ui.go(VisitStep.DONE.route)

    return screen(
        ui,
        ROUTE,
        title,
        [
            step_line(ui, visit, VisitStep.CONTACT),
            text.body(t("visit.contact.intro")),
            tagged("visit-contact-phone", phone),
            tagged("visit-contact-address", address),
            message.control,
            buttons.primary(t("visit.contact.save"), "visit-contact-save", save),
            buttons.secondary(t("visit.contact.skip"), "visit-contact-skip", skip),
        ],
        back_to=VisitStep.FACE.route,
    )
