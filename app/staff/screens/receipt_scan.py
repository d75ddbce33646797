"""核验认证回执: point the camera at a receipt's QR code (on a phone screen or the printed certificate) and
see whether it is valid — whose (masked), when, how, valid until — or why not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import text
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.snapshot import SnapshotCamera
from app.common.dates import format_date
from app.common.nobreak import phrase
from app.staff.components.console_nav import gate, nav
from shared.i18n import Translator, has_key
from shared.schemas import ReceiptVerification

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/receipts/scan"


def result_lines(check: ReceiptVerification, t: Translator) -> list[tuple[str, str]]:
    """(identifier suffix, text) of a checked receipt, in reading order; no UI involved."""
    if not check.valid:
        return [("verdict", t("receipt.check.invalid"))]
    lang = t.language
    lines = [
        ("verdict", t("receipt.check.valid")),
        ("name", t("result.person", name=check.holder_name or "")),
        ("id", t("result.id", id_number=check.holder_id or "")),
    ]
    if check.certified_on and check.method:
        lines.append(
            (
                "when",
                t(
                    "outcome.certified_on",
                    date=format_date(check.certified_on, lang),
                    method=phrase(t(f"method.{check.method}")),
                ),
            )
        )
    if check.valid_until:
        lines.append(("valid-until", t("result.valid_until", date=format_date(check.valid_until, lang))))
    return lines


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("console.nav.scan"))) is not None:
        return shut
    scan = ui.state.scan
    message = MessageLine(identifier="scan-message")
    found = ft.Column(spacing=8)

    def render() -> None:
        found.controls = (
            [text.body(line, identifier=f"scan-{suffix}") for suffix, line in result_lines(scan.result, t)]
            if scan.result
            else []
        )
        key = f"error.{scan.error_code}"
        message.show(
            t(key) if scan.error_code and has_key(key) else t("error.server") if scan.error_code else None
        )

    async def photo_taken(data: bytes) -> None:
        await scan.check(console.client, data)
        render()
        ui.page.update()

    camera = SnapshotCamera(ui, id_prefix="scan", on_photo=photo_taken, take_key="scan.take")
    render()
    return screen(
        ui,
        ROUTE,
        t("console.nav.scan"),
        [
            nav(ui, console),
            text.body(t("scan.intro")),
            # the answer above the camera: on a phone it shows without scrolling past the preview
            ft.Semantics(identifier="scan-result", live_region=True, content=found),
            message.control,
            *camera.controls,
        ],
    )
