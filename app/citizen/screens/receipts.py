"""Receipts kept on this device and, on request, those kept by the service (one list, newest first), each
with its QR code on request."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.api_client import ApiError
from app.common.components import buttons, text
from app.common.components.identity_fields import IdentityFields
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT, CARD, ERROR, OK
from app.common.dates import format_date
from shared.schemas import ReceiptPublic

if TYPE_CHECKING:
    from app.common.ui import Ui
    from shared.i18n import Translator


def receipt_lines(receipt: ReceiptPublic, t: Translator) -> list[str]:
    lang = t.language
    return [
        t("result.person", name=receipt.holder_name),
        t(
            "outcome.certified_on",
            date=format_date(receipt.certified_on, lang),
            method=t(f"method.{receipt.method}"),
        ),
        t("result.valid_until", date=format_date(receipt.valid_until, lang)),
    ]


def build(ui: Ui) -> ft.View:
    t = ui.t
    history = ui.state.history
    history.prefill(ui.state.lookup.form)

    def show(receipt: ReceiptPublic):
        async def handler() -> None:
            try:
                qr = await ui.api.receipt_qr_png(receipt.token) if receipt.token else None
            except ApiError:
                qr = None
            ui.state.receipt_shown = (receipt, qr)
            await ui.go("/receipts/qr")

        return handler

    cards: list[ft.Control] = []
    for i, item in enumerate(history.listed(ui.state.receipts)):
        receipt = item.receipt
        lines = receipt_lines(receipt, t)
        source = (
            [text.body(t("receipts.source.server"), identifier=f"receipt-{i}-server", muted=True)]
            if item.on_server and not item.on_device
            else []
        )
        cards.append(
            ft.Container(
                content=ft.Column(
                    [
                        *[text.body(line, identifier=f"receipt-{i}-{n}") for n, line in enumerate(lines)],
                        *source,
                        # the service's list carries no token (anyone knowing ID number and name can ask
                        # for it):
                        # only receipts kept on this device have a QR code to show
                        *(
                            [
                                buttons.secondary(
                                    t("receipts.show_qr"),
                                    f"receipt-{i}-qr",
                                    show(receipt),
                                    icon=ft.Icons.QR_CODE,
                                )
                            ]
                            if receipt.token
                            else []
                        ),
                    ],
                    spacing=8,
                ),
                bgcolor=CARD,
                border_radius=16,
                padding=18,
                border=ft.Border.all(2, OK if item.on_device else ACCENT),
            )
        )
    if not cards:
        cards = [text.body(t("receipts.none"), identifier="receipts-none")]

    notice = ft.Text("", color=ERROR, theme_style=ft.TextThemeStyle.BODY_LARGE)
    notice_row = ft.Semantics(
        identifier="receipts-history-notice", live_region=True, content=notice, visible=False
    )
    working = ft.Row([ft.ProgressRing(width=36, height=36), ft.Text(t("status.searching"))], visible=False)

    async def ask_server() -> None:
        if history.busy:
            return
        working.visible, notice_row.visible = True, False
        ui.page.update()
        ok = await history.submit(ui.api)
        working.visible = False
        fields.render()
        if ok:
            ui.refresh()  # this screen again, with the merged list
            ui.page.update()
            return
        if history.notice:
            notice.value, notice_row.visible = history.notice.render(t), True
        ui.page.update()

    fields = IdentityFields(history.form, t, id_prefix="receipts", on_submit=ask_server)
    if history.server is None:
        found: list[ft.Control] = []
    elif history.server:
        found = [
            text.body(
                t("receipts.history.found", count=len(history.server)), identifier="receipts-history-found"
            )
        ]
    else:
        found = [text.body(t("receipts.history.none"), identifier="receipts-history-found")]
    return screen(
        ui,
        "/receipts",
        t("receipts.title"),
        [
            *found,
            *cards,
            ft.Divider(height=24),
            text.body(t("receipts.history.intro")),
            *fields.controls,
            notice_row,
            working,
            buttons.primary(t("receipts.history.submit"), "receipts-history-submit", ask_server),
        ],
        back_to="/status",
    )


def build_qr(ui: Ui) -> ft.View:
    t = ui.t
    shown = ui.state.receipt_shown
    controls: list[ft.Control] = []
    if shown is not None:
        receipt, qr = shown
        controls += [text.body(line) for line in receipt_lines(receipt, t)]
        if qr:
            controls.append(
                ft.Semantics(
                    identifier="receipt-qr",
                    image=True,
                    label=t("receipt.qr.hint"),
                    content=ft.Image(src=qr, width=300, height=300),
                )
            )
            controls.append(text.body(t("outcome.receipt.hint"), muted=True))
        else:
            controls.append(text.body(t("error.network"), identifier="receipt-qr-missing"))
    return screen(ui, "/receipts/qr", t("outcome.receipt"), controls, back_to="/receipts")
