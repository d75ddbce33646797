"""Receipts kept on this device (newest first), each with its QR code on request."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.api_client import ApiError
from app.components import buttons, text
from app.components.scaffold import screen
from app.components.theme import CARD, OK
from app.dates import format_date
from shared.schemas import ReceiptPublic

if TYPE_CHECKING:
    from app.ui import Ui
    from shared.i18n import Translator


def receipt_lines(receipt: ReceiptPublic, t: Translator) -> list[str]:
    lang = t.language
    return [
        t("result.person", name=receipt.holder_name),
        t("outcome.certified_on", date=format_date(receipt.certified_on, lang), method=t(f"method.{receipt.method}")),
        t("result.valid_until", date=format_date(receipt.valid_until, lang)),
    ]


def build(ui: Ui) -> ft.View:
    t = ui.t
    receipts = ui.state.receipts

    def show(receipt: ReceiptPublic):
        async def handler() -> None:
            try:
                qr = await ui.api.fetch_bytes(receipt.qr_png_url)
            except ApiError:
                qr = None
            ui.state.receipt_shown = (receipt, qr)
            await ui.go("/receipts/qr")

        return handler

    cards: list[ft.Control] = []
    for i, receipt in enumerate(receipts):
        lines = receipt_lines(receipt, t)
        cards.append(ft.Container(
            content=ft.Column([
                *[text.body(line, identifier=f"receipt-{i}-{n}") for n, line in enumerate(lines)],
                buttons.secondary(t("receipts.show_qr"), f"receipt-{i}-qr", show(receipt), icon=ft.Icons.QR_CODE),
            ], spacing=8),
            bgcolor=CARD, border_radius=16, padding=18, border=ft.Border.all(2, OK)))
    if not cards:
        cards = [text.body(t("receipts.none"), identifier="receipts-none")]
    return screen(ui, "/receipts", t("receipts.title"), cards, back_to="/status")


def build_qr(ui: Ui) -> ft.View:
    t = ui.t
    shown = ui.state.receipt_shown
    controls: list[ft.Control] = []
    if shown is not None:
        receipt, qr = shown
        controls += [text.body(line) for line in receipt_lines(receipt, t)]
        if qr:
            controls.append(ft.Semantics(identifier="receipt-qr", image=True, label=t("outcome.receipt.hint"),
                                         content=ft.Image(src=qr, width=300, height=300)))
            controls.append(text.body(t("outcome.receipt.hint"), muted=True))
        else:
            controls.append(text.body(t("error.network"), identifier="receipt-qr-missing"))
    return screen(ui, "/receipts/qr", t("outcome.receipt"), controls, back_to="/receipts")
