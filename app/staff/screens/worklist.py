"""The work list: the people in my region to see to, most urgent first — a count per village at the top,
filters (state, village, special groups only, visit requested), one large card per person; a card opens
the person screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.staff.components.console_nav import gate
from app.staff.components.person_card import person_card
from app.staff.worklist_state import LISTED_STATES

if TYPE_CHECKING:
    from app.common.ui import Ui
    from shared.worklist_schemas import WorklistEntry

ROUTE = "/worklist"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("worklist.title"))) is not None:
        return shut
    work = console.worklist
    summary = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    villages = ft.Row(wrap=True, spacing=10, run_spacing=10)
    filters = ft.Row(wrap=True, spacing=10, run_spacing=10)
    cards = ft.Column(spacing=16)
    notice = MessageLine(identifier="worklist-notice")

    def refilter(change):
        async def handler() -> None:
            change()
            render()
            ui.page.update()
            await load()

        return handler

    def open_person(entry: WorklistEntry):
        async def handler() -> None:
            console.open_person(entry)
            await ui.go("/worklist/person")

        return handler

    def render() -> None:
        page = work.page
        if page is None:
            summary.value = t("common.working") if work.busy else ""
        else:
            summary.value = t("worklist.total", count=page.total) if page.total else t("worklist.empty")
        chosen = work.filters.village
        villages.controls = [
            buttons.chip(
                t("worklist.village.all"),
                "worklist-village-all",
                chosen is None,
                refilter(lambda: work.set_village(None)),
            )
        ]
        for v in page.villages if page else []:
            villages.controls.append(
                buttons.chip(
                    t("worklist.village.count", name=v.region_name, count=v.count),
                    f"worklist-village-{v.region_code}",
                    chosen == v.region_code,
                    refilter(lambda code=v.region_code: work.set_village(code)),
                )
            )
        state = work.filters.state
        filters.controls = [
            buttons.chip(
                t("worklist.filter.all"),
                "worklist-state-all",
                state is None,
                refilter(lambda: work.set_state(None)),
            )
        ]
        filters.controls += [
            buttons.chip(
                t(f"worklist.filter.{s}"),
                f"worklist-state-{s}",
                state is s,
                refilter(lambda s=s: work.set_state(s)),
            )
            for s in LISTED_STATES
        ]
        filters.controls += [
            buttons.chip(
                t("worklist.filter.special"),
                "worklist-special",
                work.filters.special_only,
                refilter(work.toggle_special),
            ),
            buttons.chip(
                t("worklist.filter.visit"),
                "worklist-visit-requested",
                work.filters.visit_requested,
                refilter(work.toggle_visit_requested),
            ),
        ]
        cards.controls = [
            person_card(t, entry, f"worklist-person-{i}", open_person(entry))
            for i, entry in enumerate(work.entries)
        ]
        notice.show(work.notice.render(t) if work.notice else None)

    async def load() -> None:
        await work.load(console.field_client)
        render()
        ui.page.update()

    render()
    if ui.page is not None:
        ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("worklist.title"),
        [
            ft.Semantics(identifier="worklist-summary", live_region=True, content=summary),
            villages,
            filters,
            notice.control,
            cards,
        ],
    )
