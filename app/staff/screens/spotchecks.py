"""Half-year spot checks: draw the reproducible sample for a region, then record each item's outcome."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.console_state import SPOT_OUTCOMES, valid_half_year
from shared.cycle import agency_today

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/spotchecks"


def this_half_year(today: date) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.spot.title"))) is not None:
        return shut
    current = state.spot_check
    half_year = text_field(
        t("console.spot.half_year"),
        t("console.spot.half_year_hint"),
        current.half_year if current else this_half_year(agency_today()),
        lambda e: None,
    )
    region = text_field(
        t("console.spot.region"),
        t("console.spot.region_hint"),
        current.region_code if current else "",
        lambda e: None,
    )
    summary = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    items = ft.Column(spacing=12)
    message, message_row = error_line("console-spot-error")

    def render() -> None:
        message.value = state.message(t)
        check = state.spot_check
        if check is None:
            summary.value, items.controls = "", []
            return
        done, total = state.spot_progress
        summary.value = t(
            "console.spot.summary",
            half_year=check.half_year,
            region=check.region_code,
            total=total,
            done=done,
            townships=", ".join(check.townships),
        )
        items.controls = [card(i, item) for i, item in enumerate(check.items)]

    def card(index: int, item) -> ft.Control:
        def record(outcome: str):
            async def handler() -> None:
                await state.record_outcome(item.id, outcome)
                render()
                ui.page.update()

            return handler

        status = (
            t("console.spot.outcome", outcome=t(f"console.spot.outcome.{item.outcome}"))
            if item.outcome
            else t("console.spot.pending")
        )
        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=12,
            content=ft.Column(
                [
                    ft.Text(
                        t(
                            "console.spot.item",
                            village=item.village_code,
                            name=item.holder_name,
                            id=item.holder_id,
                            method=t(f"method.{item.method}"),
                            date=item.certified_on.isoformat(),
                        )
                    ),
                    ft.Semantics(identifier=f"console-spot-status-{index}", content=ft.Text(status)),
                    ft.Row(
                        [
                            buttons.secondary(
                                t(f"console.spot.outcome.{o}"), f"console-spot-{o}-{index}", record(o)
                            )
                            for o in SPOT_OUTCOMES
                        ],
                        spacing=8,
                        wrap=True,
                    ),
                ],
                spacing=6,
            ),
        )

    async def draw() -> None:
        if not valid_half_year(half_year.value or ""):
            message.value = t("console.spot.half_year_invalid")
            ui.page.update()
            return
        await state.draw_spot_check(half_year.value or "", region.value or "")
        render()
        ui.page.update()

    render()
    return screen(
        ui,
        ROUTE,
        t("console.spot.title"),
        [
            nav(ui, state),
            text.body(t("console.spot.intro")),
            tagged("console-spot-half-year", half_year),
            tagged("console-spot-region", region),
            message_row,
            buttons.primary(t("console.spot.draw"), "console-spot-draw", draw),
            ft.Semantics(identifier="console-spot-summary", live_region=True, content=summary),
            items,
        ],
    )
