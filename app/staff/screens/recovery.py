"""Recovery cases (追缴): the cases of the staff member's region, filtered by state; "open" shows one
(``recovery_case``) with its ledger and history, where it is moved on and repayments are recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.common.components.theme import CARD
from app.staff.components.console_nav import error_line, gate, nav
from shared.recovery import RecoveryState, yuan

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/recovery"
CASE_ROUTE = "/recovery/case"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("recovery.title"))) is not None:
        return shut
    desk = console.recovery
    filters = ft.Row(wrap=True, spacing=8, run_spacing=8)
    count = ft.Text("")
    items = ft.Column(spacing=12)
    message, message_row = error_line("recovery-error")

    def render() -> None:
        filters.controls = [
            buttons.chip(
                t(f"recovery.state.{s.value}") if s else t("recovery.filter.all"),
                f"recovery-filter-{s.value if s else 'all'}",
                desk.state_filter is s,
                show(s),
            )
            for s in (None, *RecoveryState)
        ]
        count.value = t("recovery.count", count=len(desk.cases)) if desk.cases else t("recovery.empty")
        message.value = desk.message(t)
        message_row.visible = bool(message.value)
        items.controls = [card(i, c) for i, c in enumerate(desk.cases)]

    def show(state: RecoveryState | None):
        async def handler() -> None:
            await desk.load(console.client, state)
            render()
            ui.page.update()

        return handler

    def open_case(case_id: int):
        async def handler() -> None:
            if await desk.open(console.client, case_id):
                await ui.go(CASE_ROUTE)
            else:
                render()
                ui.page.update()

        return handler

    def card(index: int, case) -> ft.Control:
        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=16,
            content=ft.Column(
                [
                    ft.Semantics(
                        identifier=f"recovery-case-{index}",
                        content=ft.Text(
                            t(
                                "recovery.case.title",
                                id=case.id,
                                name=case.holder_name,
                                person=case.holder_id,
                            ),
                            theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                        ),
                    ),
                    ft.Text(t("recovery.case.state", state=t(f"recovery.state.{case.state}"))),
                    ft.Text(
                        t(
                            "recovery.case.owed",
                            outstanding=yuan(case.outstanding_cents),
                            amount=yuan(case.amount_cents),
                        )
                    ),
                    buttons.primary(t("recovery.open"), f"recovery-open-{index}", open_case(case.id)),
                ],
                spacing=8,
            ),
        )

    async def load() -> None:
        await desk.load(console.client, desk.state_filter)
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("recovery.title"),
        [
            nav(ui, console),
            text.body(t("recovery.intro")),
            filters,
            ft.Semantics(identifier="recovery-count", live_region=True, content=count),
            message_row,
            items,
        ],
    )
