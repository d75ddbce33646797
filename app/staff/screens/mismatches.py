"""Feed mismatches: data-comparison rows whose ID number is on the roll but whose name differs — a
reviewer applies them (same person) or dismisses them, with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.staff.components.console_nav import error_line, gate, nav, reasoned_decision

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/mismatches"


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.mismatches.title"))) is not None:
        return shut
    items = ft.Column(spacing=16)
    count = ft.Text("")
    done = ft.Text("", color=OK)
    message, message_row = error_line("console-mismatch-error")

    def render() -> None:
        n = len(state.mismatches)
        count.value = t("console.mismatches.count", count=n) if n else t("console.mismatches.empty")
        last = state.last_mismatch
        if last is not None:
            key = "console.mismatches.applied" if last.status == "applied" else "console.mismatches.dismissed"
            done.value = t(key, name=last.roll_name)
        message.value = state.message(t)
        items.controls = [card(i, item) for i, item in enumerate(state.mismatches)]

    def card(index: int, item) -> ft.Control:
        reason = text_field(
            t("console.mismatches.reason"), t("console.mismatches.reason_hint"), "", lambda e: None
        )

        def decide(apply: bool):
            return reasoned_decision(
                ui,
                reason,
                message,
                t("console.mismatches.reason_required"),
                lambda text: state.decide_mismatch(item.id, apply=apply, reason=text),
                render,
            )

        line = t(
            "console.mismatches.item",
            kind=t(f"console.feed.{item.kind}"),
            row=item.row_number,
            date=item.event_date.isoformat(),
            roll=item.roll_name,
            feed=item.feed_name,
            id=item.id_number_masked,
        )
        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=16,
            content=ft.Column(
                [
                    ft.Semantics(
                        identifier=f"console-mismatch-item-{index}",
                        content=ft.Text(line, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                    ),
                    tagged(f"console-mismatch-reason-{index}", reason),
                    ft.Row(
                        [
                            buttons.primary(
                                t("console.mismatches.apply"), f"console-mismatch-apply-{index}", decide(True)
                            ),
                            buttons.secondary(
                                t("console.mismatches.dismiss"),
                                f"console-mismatch-dismiss-{index}",
                                decide(False),
                            ),
                        ],
                        spacing=12,
                        wrap=True,
                    ),
                ],
                spacing=10,
            ),
        )

    async def load() -> None:
        await state.load_mismatches()
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("console.mismatches.title"),
        [
            nav(ui, state),
            text.body(t("console.mismatches.intro")),
            ft.Semantics(identifier="console-mismatch-count", content=count),
            ft.Semantics(identifier="console-mismatch-done", live_region=True, content=done),
            message_row,
            items,
        ],
    )
