"""The review queue: pending items; "open" shows one with its evidence in view (``review_item``), where the
reviewer opens every file, reads who did what before, and approves or rejects with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.staff.case_client import CaseClient
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.screens import review_item
from shared.cycle import local_date

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/review"


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.review.title"))) is not None:
        return shut
    if state.case.open:
        return screen(ui, ROUTE, t("console.review.title"), [nav(ui, state), *review_item.controls(ui)])
    items = ft.Column(spacing=16)
    count = ft.Text("")
    done = ft.Text("", color=OK)
    message, message_row = error_line("console-review-error")
    done_line = ft.Semantics(identifier="console-review-done", live_region=True, content=done)
    cases = CaseClient(state.client)

    def render() -> None:
        count.value = (
            t("console.review.count", count=len(state.queue)) if state.queue else t("console.review.empty")
        )
        if state.last_decision:
            approved, name = state.last_decision
            done.value = t("console.review.approved" if approved else "console.review.rejected", name=name)
        message.value = state.case.message(t) or review_item.console_error(t, state)
        message_row.visible = bool(message.value)
        done_line.visible = bool(done.value)
        items.controls = [card(i, item) for i, item in enumerate(state.queue)]

    def open_item(review_id: str):
        async def handler() -> None:
            if await state.case.load(cases, review_id):
                ui.refresh()
            else:
                render()
            ui.page.update()

        return handler

    def card(index: int, item) -> ft.Control:
        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=16,
            content=ft.Column(
                [
                    ft.Semantics(
                        identifier=f"console-review-item-{index}",
                        content=ft.Text(
                            t(
                                "console.review.item",
                                kind=t(f"console.kind.{item.kind}"),
                                name=item.holder_name,
                                id=item.holder_id,
                            ),
                            theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                        ),
                    ),
                    ft.Text(t(f"method.{item.method.value}")),
                    ft.Text(t("console.review.submitted", date=local_date(item.submitted_at).isoformat())),
                    buttons.primary(
                        t("review.case.open"), f"console-review-open-{index}", open_item(item.review_id)
                    ),
                ],
                spacing=10,
            ),
        )

    async def load() -> None:
        await state.load_queue()
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("console.review.title"),
        [
            nav(ui, state),
            ft.Semantics(identifier="console-review-count", content=count),
            done_line,
            message_row,
            items,
        ],
    )
