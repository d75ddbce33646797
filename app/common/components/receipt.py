"""A certification receipt as a card: masked name and ID, date and method, valid until, and the QR code
staff scan to verify it (both apps show it after a passed face check)."""

from __future__ import annotations

import flet as ft

from app.common.components import text
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from app.common.nobreak import phrase
from shared.i18n import Translator
from shared.schemas import ReceiptPublic


def receipt_card(t: Translator, receipt: ReceiptPublic, qr_png: bytes | None) -> ft.Control:
    lang = t.language
    rows: list[ft.Control] = [
        text.subheading(t("outcome.receipt")),
        text.body(t("result.person", name=receipt.holder_name), identifier="receipt-name"),
        text.body(t("result.id", id_number=receipt.holder_id)),
        text.body(
            t(
                "outcome.certified_on",
                date=format_date(receipt.certified_on, lang),
                method=phrase(t(f"method.{receipt.method}")),
            ),
            identifier="receipt-certified",
        ),
        text.body(
            t("result.valid_until", date=format_date(receipt.valid_until, lang)),
            identifier="receipt-valid-until",
        ),
    ]
    if qr_png:
        rows += [
            ft.Semantics(
                identifier="receipt-qr",
                image=True,
                label=t("receipt.qr.hint"),
                content=ft.Image(src=qr_png, width=260, height=260),
            ),
            text.body(t("receipt.qr.hint"), muted=True),
        ]
    return ft.Container(
        content=ft.Column(rows, spacing=10),
        bgcolor=CARD,
        border_radius=16,
        padding=20,
        border=ft.Border.all(3, OK),
    )
