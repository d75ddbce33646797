"""Monthly death reports (死亡人员月报): a village coordinator or an institution's unit administrator submits
last month's report — a row per person who died, or "none this month"; township and county staff see every
unit of their region with its status (late first), remind the late ones and consolidate the month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import OK
from app.staff.components.console_nav import error_line, gate, nav
from shared.enums import StaffRole

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/death-reports"
REPORTERS = frozenset({StaffRole.COORDINATOR, StaffRole.UNIT_ADMIN, StaffRole.ADMIN})
CONSOLIDATORS = frozenset({StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN})
VILLAGE_CODE_LENGTH = 12


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.nav.deaths"))) is not None:
        return shut
    desk = state.deaths
    staff = state.staff
    role = staff.role
    own_village = role is StaffRole.COORDINATOR and len(staff.region_code or "") == VILLAGE_CODE_LENGTH
    village = {"code": ""}

    def set_month(e: ft.Event[ft.TextField]) -> None:
        desk.month = e.control.value or ""

    def set_village(e: ft.Event[ft.TextField]) -> None:
        village["code"] = e.control.value or ""

    month = text_field(t("deaths.month"), t("deaths.month_hint"), desk.month, set_month)
    message, message_row = error_line("deaths-error")
    submitted = ft.Text("", color=OK)
    rows = ft.Column(spacing=12)
    none_box = ft.Column()
    units = ft.Column(spacing=8)
    reminded = ft.Text("")
    accept_box = ft.Column()
    consolidated = ft.Column(spacing=6)

    def row_fields(index: int, row: dict[str, str]) -> ft.Control:
        def setter(key: str):
            def changed(e: ft.Event[ft.TextField]) -> None:
                row[key] = e.control.value or ""

            return changed

        return ft.Column(
            [
                text.body(t("deaths.row", n=index + 1)),
                tagged(
                    f"deaths-row-{index}-id",
                    text_field(t("deaths.row.id"), "", row["id_number"], setter("id_number"), max_length=18),
                ),
                tagged(
                    f"deaths-row-{index}-name",
                    text_field(t("deaths.row.name"), "", row["name"], setter("name")),
                ),
                tagged(
                    f"deaths-row-{index}-date",
                    text_field(
                        t("deaths.row.date"), t("deaths.row.date_hint"), row["died_on"], setter("died_on")
                    ),
                ),
                tagged(
                    f"deaths-row-{index}-note",
                    text_field(t("deaths.row.note"), t("deaths.row.note_hint"), row["note"], setter("note")),
                ),
            ],
            spacing=8,
        )

    def render() -> None:
        message.value = desk.message(t)
        r = desk.last_report
        if r is None:
            submitted.value = ""
        elif r.none_this_month:
            submitted.value = t("deaths.submitted_none", unit=r.unit_name, month=r.month)
        else:
            submitted.value = t("deaths.submitted", unit=r.unit_name, month=r.month, count=len(r.deaths))
        rows.controls = [row_fields(i, row) for i, row in enumerate(desk.rows)]
        none_box.controls = [
            buttons.toggle(t("deaths.none"), "deaths-none", desk.none_this_month, toggle_none)
        ]
        accept_box.controls = [
            buttons.toggle(
                t("deaths.accept_missing"), "deaths-accept-missing", desk.accept_missing, toggle_accept
            )
        ]
        listed = desk.units.units if desk.units is not None else []
        units.controls = [
            text.body(
                t(
                    "deaths.unit",
                    name=u.name,
                    status=t(f"deaths.status.{u.status.value}"),
                    deadline=u.deadline.isoformat(),
                ),
                identifier=f"deaths-unit-{u.unit.replace(':', '-')}",
            )
            for u in listed
        ] or [text.body(t("deaths.units.empty"), identifier="deaths-units-empty", muted=True)]
        reminded.value = t("deaths.reminded", count=len(desk.reminded)) if desk.reminded is not None else ""
        c = desk.consolidation
        consolidated.controls = (
            [
                text.body(
                    t(
                        "deaths.consolidated",
                        unit=c.unit_name,
                        units=len(c.included),
                        deaths=c.deaths,
                        applied=c.applied,
                    ),
                    identifier="deaths-consolidated",
                ),
                *[
                    text.body(
                        t("deaths.row_result", id=row.id_number, outcome=t(f"deaths.outcome.{row.outcome}")),
                        identifier=f"deaths-result-{i}",
                    )
                    for i, row in enumerate(c.rows)
                ],
            ]
            if c is not None
            else []
        )

    def refresh() -> None:
        render()
        ui.page.update()

    async def toggle_none() -> None:
        desk.set_none(not desk.none_this_month)
        refresh()

    async def toggle_accept() -> None:
        desk.accept_missing = not desk.accept_missing
        refresh()

    async def add_row() -> None:
        desk.add_row()
        refresh()

    async def submit() -> None:
        await desk.submit(
            state.client, None if own_village or role is StaffRole.UNIT_ADMIN else village["code"]
        )
        refresh()

    async def load() -> None:
        if role in CONSOLIDATORS and state.client is not None:
            await desk.load(state.client)
        refresh()

    async def remind() -> None:
        await desk.remind(state.client)
        await desk.load(state.client)
        refresh()

    async def consolidate() -> None:
        await desk.consolidate(state.client, staff.region_code)
        refresh()

    render()
    ui.page.run_task(load)
    controls: list[ft.Control] = [
        nav(ui, state),
        text.body(t("deaths.intro")),
        tagged("deaths-month", month),
        message_row,
    ]
    if role in REPORTERS:
        controls += [text.subheading(t("deaths.submit.heading"))]
        if not own_village and role is not StaffRole.UNIT_ADMIN:
            controls.append(
                tagged(
                    "deaths-village",
                    text_field(t("deaths.village"), t("deaths.village_hint"), "", set_village),
                )
            )
        controls += [
            none_box,
            rows,
            buttons.secondary(t("deaths.add_row"), "deaths-add-row", add_row, icon=ft.Icons.ADD),
            buttons.primary(t("deaths.submit"), "deaths-submit", submit),
            ft.Semantics(identifier="deaths-submitted", live_region=True, content=submitted),
        ]
    if role in CONSOLIDATORS:
        controls += [
            text.subheading(t("deaths.units.heading"), identifier="deaths-units"),
            buttons.secondary(t("deaths.load"), "deaths-load", load),
            units,
            buttons.secondary(t("deaths.remind"), "deaths-remind", remind),
            ft.Semantics(identifier="deaths-reminded", live_region=True, content=reminded),
            accept_box,
            buttons.primary(t("deaths.consolidate"), "deaths-consolidate", consolidate),
            consolidated,
        ]
    return screen(ui, ROUTE, t("console.nav.deaths"), controls)
