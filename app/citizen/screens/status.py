"""Status lookup: ID number (checked while typing) and name, then one button."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.receipt_store import load_receipts
from app.common.components import buttons, text
from app.common.components.identity_fields import IdentityFields
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    lookup = ui.state.lookup
    notice = ft.Text("", color=ERROR, theme_style=ft.TextThemeStyle.BODY_LARGE)
    notice_row = ft.Semantics(identifier="status-notice", live_region=True, content=notice, visible=False)
    working = ft.Row([ft.ProgressRing(width=36, height=36), ft.Text(t("status.searching"))], visible=False)

    async def submit() -> None:
        if lookup.busy:
            return
        working.visible, notice_row.visible = True, False
        ui.page.update()
        ok = await lookup.submit(ui.api)
        working.visible = False
        fields.render()
        if lookup.notice:
            notice.value, notice_row.visible = lookup.notice.render(t), True
        ui.page.update()
        if ok:
            await ui.go("/status/result")

    async def receipts() -> None:
        if ui.store is not None:
            ui.state.receipts = await load_receipts(ui.store)
        await ui.go("/receipts")

    async def tipoff() -> None:
        await ui.go("/tipoff")

    async def tipoff_lookup() -> None:
        await ui.go("/tipoff/lookup")

    fields = IdentityFields(lookup.form, t, id_prefix="status", on_submit=submit)
    return screen(
        ui,
        "/status",
        t("status.title"),
        [
            text.body(t("status.intro")),
            *fields.controls,
            notice_row,
            working,
            buttons.secondary(t("receipts.link"), "status-receipts", receipts, icon=ft.Icons.RECEIPT_LONG),
            buttons.secondary(t("tipoff.link"), "status-tipoff", tipoff, icon=ft.Icons.REPORT),
            buttons.secondary(
                t("tipoff.lookup.link"), "status-tipoff-lookup", tipoff_lookup, icon=ft.Icons.SEARCH
            ),
        ],
        actions=[buttons.primary(t("status.submit"), "status-submit", submit)],
    )
