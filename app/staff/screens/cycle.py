"""Run a month: suspensions, resumptions and reminders, with the report of what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.console_state import valid_month
from shared.cycle import agency_today

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, "/cycle", t("console.cycle.title"))) is not None:
        return shut
    month = text_field(
        t("console.cycle.month"), t("console.cycle.month_hint"), f"{agency_today():%Y-%m}", lambda e: None
    )
    summary = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    changes = ft.Column(spacing=4)
    message, message_row = error_line("console-cycle-error")

    def render() -> None:
        run = state.last_run
        if run is None:
            return
        summary.value = t(
            "console.cycle.result",
            month=run.month,
            checked=run.checked,
            suspended=run.suspended,
            resumed=run.resumed,
            reminders=run.reminders,
        )
        lines = [
            t("console.cycle.change.resumed", id=c.masked_id, month=c.month, months=c.back_pay_months)
            if c.change == "resumed"
            else t(f"console.cycle.change.{c.change}", id=c.masked_id, month=c.month)
            for c in run.changes[:100]
        ]
        if not (run.suspended or run.resumed or run.reminders or run.stopped):
            lines = [t("console.cycle.unchanged")]
        changes.controls = [ft.Text(line) for line in lines]

    async def run_month() -> None:
        value = (month.value or "").strip()
        if not valid_month(value):
            message.value = t("console.cycle.month_invalid")
            ui.page.update()
            return
        ok = await state.run_month(value)
        message.value = "" if ok else state.message(t)
        render()
        ui.page.update()

    render()
    return screen(
        ui,
        "/cycle",
        t("console.cycle.title"),
        [
            nav(ui, state),
            text.body(t("console.cycle.intro")),
            tagged("console-cycle-month", month),
            message_row,
            buttons.primary(t("console.cycle.run"), "console-cycle-run", run_month),
            ft.Semantics(identifier="console-cycle-summary", live_region=True, content=summary),
            changes,
        ],
    )
