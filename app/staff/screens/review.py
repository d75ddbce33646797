"""The review queue: pending items with approve / reject and a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.staff.components.console_nav import error_line, gate, nav, reasoned_decision

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, "/review", t("console.review.title"))) is not None:
        return shut
    items = ft.Column(spacing=16)
    count = ft.Text("")
    done = ft.Text("", color=OK)
    message, message_row = error_line("console-review-error")

    def render() -> None:
        count.value = t("console.review.count", count=len(state.queue)) if state.queue else t("console.review.empty")
        if state.last_decision:
            approved, name = state.last_decision
            done.value = t("console.review.approved" if approved else "console.review.rejected", name=name)
        message.value = t("console.error", message=state.error) if state.error else ""
        items.controls = [card(i, item) for i, item in enumerate(state.queue)]

    def card(index: int, item) -> ft.Control:
        reason = text_field(t("console.review.reason"), t("console.review.reason_hint"), "", lambda e: None)

        def decide(approve: bool):
            return reasoned_decision(
                ui, reason, message, t("console.review.reason_required"),
                lambda text: state.decide(item.review_id, approve=approve, reason=text), render,
            )

        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=16,
            content=ft.Column(
                [
                    ft.Semantics(
                        identifier=f"console-review-item-{index}",
                        content=ft.Text(
                            t("console.review.item", kind=t(f"console.kind.{item.kind}"), name=item.holder_name,
                              id=item.holder_id),
                            theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                        ),
                    ),
                    ft.Text(t(f"method.{item.method.value}")),
                    ft.Text(t("console.review.submitted", date=item.submitted_at.date().isoformat())),
                    tagged(f"console-review-reason-{index}", reason),
                    ft.Row(
                        [
                            buttons.primary(t("console.review.approve"), f"console-approve-{index}", decide(True)),
                            buttons.secondary(t("console.review.reject"), f"console-reject-{index}", decide(False)),
                        ],
                        spacing=12,
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
        "/review",
        t("console.review.title"),
        [
            nav(ui, state),
            ft.Semantics(identifier="console-review-count", content=count),
            ft.Semantics(identifier="console-review-done", live_region=True, content=done),
            message_row,
            items,
        ],
    )
