"""举报冒领: the public tip-off form — the person's name (ID number when known), what the reporter knows,
a phone if they want to be asked — then the reference and the one-time lookup code to write down."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from shared.case_schemas import DESCRIPTION_MAX
from shared.reference import group

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/tipoff"


def build(ui: Ui) -> ft.View:
    t = ui.t
    form = ui.state.tipoff

    async def to_lookup() -> None:
        if form.receipt is not None:
            ui.state.tipoff_check.reference = form.receipt.reference
            ui.state.tipoff_check.code = form.receipt.lookup_code
        await ui.go("/tipoff/lookup")

    if form.receipt is not None:
        return screen(ui, ROUTE, t("tipoff.title"), _receipt(ui, to_lookup), back_to="/status")

    message = MessageLine(identifier="tipoff-error")
    working = ft.Row([ft.ProgressRing(width=36, height=36), ft.Text(t("tipoff.sending"))], visible=False)

    def changed() -> None:
        form.name, form.id_number = name.value or "", id_number.value or ""
        form.description, form.phone = description.value or "", phone.value or ""

    name = text_field(
        t("tipoff.subject_name"), t("tipoff.subject_name_hint"), form.name, changed, max_length=50
    )
    id_number = text_field(
        t("tipoff.subject_id"), t("tipoff.subject_id_hint"), form.id_number, changed, max_length=18
    )
    description = text_field(
        t("tipoff.description"),
        t("tipoff.description_hint"),
        form.description,
        changed,
        max_length=DESCRIPTION_MAX,
    )
    description.multiline, description.min_lines, description.max_lines = True, 3, 8
    phone = text_field(
        t("tipoff.phone"), t("tipoff.phone_hint"), form.phone, changed, keyboard=ft.KeyboardType.PHONE
    )

    async def submit() -> None:
        changed()
        working.visible = True
        message.show(None)
        ui.page.update()
        ok = await form.submit(ui.api)
        working.visible = False
        if ok:
            ui.refresh()
        else:
            message.show(form.notice.render(t) if form.notice else None)
        ui.page.update()

    return screen(
        ui,
        ROUTE,
        t("tipoff.title"),
        [
            text.body(t("tipoff.intro")),
            tagged("tipoff-name", name),
            tagged("tipoff-id", id_number),
            tagged("tipoff-description", description),
            tagged("tipoff-phone", phone),
            message.control,
            working,
        ],
        back_to="/status",
        actions=[buttons.primary(t("tipoff.submit"), "tipoff-submit", submit)],
    )


def _receipt(ui: Ui, to_lookup) -> list[ft.Control]:
    t = ui.t
    receipt = ui.state.tipoff.receipt
    return [
        ft.Row(
            [
                ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                text.heading(t("tipoff.done"), identifier="tipoff-done"),
            ],
            wrap=True,
        ),
        ft.Container(
            content=ft.Column(
                [
                    text.subheading(
                        t("tipoff.reference", reference=group(receipt.reference)),
                        identifier="tipoff-reference",
                    ),
                    text.subheading(t("tipoff.code", code=receipt.lookup_code), identifier="tipoff-code"),
                    text.body(t("tipoff.keep")),
                ],
                spacing=10,
            ),
            bgcolor=CARD,
            border_radius=16,
            padding=20,
        ),
        buttons.primary(t("tipoff.lookup.link"), "tipoff-to-lookup", to_lookup),
    ]
