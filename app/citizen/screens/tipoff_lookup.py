"""查询举报进展: the reference and lookup code of a tip-off → where it stands and, once closed, the kind of
outcome (nothing about anyone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import CARD
from shared.reference import group

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/tipoff/lookup"


def build(ui: Ui) -> ft.View:
    t = ui.t
    check = ui.state.tipoff_check
    message = MessageLine(identifier="tipoff-lookup-error")
    result = ft.Column(spacing=8)
    panel = ft.Container(content=result, bgcolor=CARD, border_radius=16, padding=20, visible=False)

    def changed() -> None:
        check.reference, check.code = reference.value or "", code.value or ""

    reference = text_field(
        t("tipoff.lookup.reference"),
        t("tipoff.lookup.reference_hint"),
        check.reference,
        changed,
        keyboard=ft.KeyboardType.NUMBER,
    )
    code = text_field(
        t("tipoff.lookup.code"), t("tipoff.lookup.code_hint"), check.code, changed, max_length=8
    )

    def render() -> None:
        message.show(check.notice.render(t) if check.notice else None)
        found = check.result
        panel.visible = found is not None
        if found is None:
            result.controls = []
            return
        lines = [
            text.subheading(group(found.reference)),
            text.body(
                t("tipoff.lookup.state", state=t(f"case.state.{found.state}")), identifier="tipoff-state"
            ),
        ]
        if found.outcome:
            lines.append(
                text.body(
                    t("tipoff.lookup.outcome", outcome=t(f"case.outcome.{found.outcome}")),
                    identifier="tipoff-outcome",
                )
            )
        result.controls = lines

    async def submit() -> None:
        changed()
        await check.submit(ui.api)
        render()
        ui.page.update()

    render()
    return screen(
        ui,
        ROUTE,
        t("tipoff.lookup.title"),
        [
            text.body(t("tipoff.lookup.intro")),
            tagged("tipoff-lookup-reference", reference),
            tagged("tipoff-lookup-code", code),
            message.control,
            ft.Semantics(identifier="tipoff-lookup-result", live_region=True, content=panel),
        ],
        back_to="/status",
        actions=[buttons.primary(t("tipoff.lookup.submit"), "tipoff-lookup-submit", submit)],
    )
