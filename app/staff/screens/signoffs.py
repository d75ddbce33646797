"""To sign (each level of the chain): the attestations of my region whose next signature is my level's,
each with what was done so far and a button to sign with my own account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import OK
from app.staff.attestation_state import AttestationDesk
from app.staff.case_client import CaseClient
from app.staff.components.attestation_card import attestation_card, level_label
from app.staff.components.console_nav import gate, nav

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/signoffs"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("signoffs.title"))) is not None:
        return shut
    desk: AttestationDesk = console.attest
    cases = CaseClient(console.client)
    count = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    done = ft.Text("", color=OK, weight=ft.FontWeight.W_600)
    done_line = ft.Semantics(identifier="signoffs-done", live_region=True, content=done, visible=False)
    message = MessageLine(identifier="signoffs-message")
    items = ft.Column(spacing=16)

    def render() -> None:
        count.value = t("signoffs.count", count=len(desk.to_sign)) if desk.to_sign else t("signoffs.empty")
        signed = desk.last_signed
        if signed is not None and signed.signoffs:
            level = level_label(t, signed.signoffs[-1].level)
            done.value = t("attest.signed", name=signed.holder_name, level=level)
            if signed.review_id is not None:
                done.value += " " + t("attest.submitted", id=signed.review_id)
        done_line.visible = bool(done.value)
        message.show(desk.message(t))
        items.controls = [
            attestation_card(
                t,
                att,
                f"signoffs-item-{i}",
                [
                    buttons.primary(
                        t("attest.sign", level=level_label(t, att.next_signoff)),
                        f"signoffs-sign-{i}",
                        sign(att),
                    )
                ],
            )
            for i, att in enumerate(desk.to_sign)
        ]

    def sign(att):
        async def handler() -> None:
            await desk.sign(cases, att)
            if desk.error is None:
                await desk.load_to_sign(cases)
            render()
            ui.page.update()

        return handler

    async def load() -> None:
        await desk.load_to_sign(cases)
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("signoffs.title"),
        [
            nav(ui, console),
            text.body(t("signoffs.intro")),
            ft.Semantics(identifier="signoffs-count", content=count),
            done_line,
            message.control,
            buttons.secondary(t("signoffs.refresh"), "signoffs-refresh", load, icon=ft.Icons.REFRESH),
            items,
        ],
    )
