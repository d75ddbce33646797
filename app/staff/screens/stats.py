"""Statistics: headline figures, electronic rate against the target, by method, by region, month by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR, OK
from app.staff.components.console_nav import bar, error_line, gate, nav

if TYPE_CHECKING:
    from app.common.ui import Ui


def _figure(label: str, value: int, identifier: str) -> ft.Control:
    return ft.Container(
        padding=12,
        content=ft.Column(
            [ft.Text(label), ft.Semantics(identifier=identifier, content=ft.Text(f"{value}", size=32))],
            spacing=4,
        ),
    )


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, "/stats", t("console.stats.title"))) is not None:
        return shut
    body = ft.Column(spacing=16)
    message, message_row = error_line("console-stats-error")

    def render() -> None:
        s = state.stats
        message.value = state.message(t)
        if s is None:
            body.controls = []
            return
        rate, target = round(s.electronic_rate * 100, 1), round(s.target_rate * 100)
        most = max([m.people for m in s.by_method] + [1])
        top_month = max([p.certified for p in s.trend] + [p.suspended for p in s.trend] + [1])
        body.controls = [
            ft.Text(t("console.stats.period", start=s.period_from.isoformat(), end=s.period_to.isoformat())),
            ft.Row(
                [
                    _figure(t("console.stats.people"), s.people, "console-stats-people"),
                    _figure(t("console.stats.certified"), s.certified, "console-stats-certified"),
                    _figure(t("console.stats.overdue"), s.overdue, "console-stats-overdue"),
                    _figure(t("console.stats.suspended"), s.suspended, "console-stats-suspended"),
                    _figure(t("console.stats.stopped"), s.stopped, "console-stats-stopped"),
                ],
                wrap=True,
            ),
            text.subheading(t("console.stats.electronic_rate")),
            ft.Row(
                [
                    bar(s.electronic_rate, color=OK if s.electronic_rate >= s.target_rate else ERROR),
                    ft.Text(t("console.stats.rate_value", rate=rate, target=target)),
                ],
                wrap=True,
            ),
            text.subheading(t("console.stats.by_method")),
            *[
                ft.Row(
                    [
                        ft.Text(t(f"method.{m.method}"), width=220),
                        bar(m.people / most),
                        ft.Text(f"{m.people}"),
                    ]
                )
                for m in s.by_method
            ],
            text.subheading(t("console.stats.by_region")),
            *[
                ft.Row(
                    [
                        bar(r.coverage),
                        ft.Text(
                            t(
                                "console.stats.region_row",
                                name=r.region_name,
                                certified=r.certified,
                                people=r.people,
                                rate=round(r.coverage * 100, 1),
                            )
                        ),
                    ],
                    wrap=True,
                )
                for r in s.by_region
            ],
            text.subheading(t("console.stats.trend")),
            *[
                ft.Row(
                    [
                        ft.Text(p.month, width=90),
                        ft.Column(
                            [
                                bar(p.certified / top_month, height=12),
                                bar(p.suspended / top_month, height=12, color=ERROR),
                            ],
                            spacing=2,
                        ),
                        ft.Text(
                            t(
                                "console.stats.trend_row",
                                month=p.month,
                                certified=p.certified,
                                suspended=p.suspended,
                            )
                        ),
                    ],
                    wrap=True,
                )
                for p in s.trend
            ],
        ]

    async def load() -> None:
        await state.load_stats()
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        "/stats",
        t("console.stats.title"),
        [
            nav(ui, state),
            message_row,
            buttons.secondary(t("console.stats.refresh"), "console-stats-refresh", load),
            body,
        ],
    )
