"""核查案件: the list of cases in the staff member's region (open, mine, closed); one case opened — what was
reported, the person, its timeline — with "assign to me", a note, and closing with an outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD
from app.staff.case_desk import FILTERS, OUTCOMES
from app.staff.components.console_nav import error_line, gate, nav
from shared.cycle import local_time
from shared.reference import group

if TYPE_CHECKING:
    from app.common.ui import Ui
    from shared.case_schemas import CasePublic

ROUTE = "/cases"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("console.cases.title"))) is not None:
        return shut
    desk = console.cases
    client = console.client
    me = console.staff.staff_id if console.staff is not None else None
    message, message_row = error_line("cases-error")
    body = ft.Column(spacing=12)

    def redraw() -> None:
        message.value = desk.message(t)
        body.controls = detail() if desk.current is not None else listing()
        ui.page.update()

    def summary(case: CasePublic) -> str:
        return t(
            "console.cases.item",
            reference=group(case.reference),
            source=t(f"case.source.{case.source}"),
            state=t(f"case.state.{case.state}"),
        )

    def who(case: CasePublic) -> list[ft.Control]:
        lines: list[ft.Control] = []
        if case.person_name:
            lines.append(
                text.body(t("console.cases.person", name=case.person_name, id=case.id_number_masked))
            )
        else:
            lines.append(text.body(t("console.cases.no_person"), muted=True))
        if case.subject_name:
            lines.append(text.body(t("console.cases.subject", name=case.subject_name)))
        return lines

    # --- the list --------------------------------------------------------------------------------------
    def pick(which: str):
        async def handler() -> None:
            await desk.load(client, which)
            redraw()

        return handler

    def opener(case_id: int):
        async def handler() -> None:
            await desk.open(client, case_id)
            redraw()

        return handler

    def listing() -> list[ft.Control]:
        chips = ft.Row(
            [
                buttons.chip(t(f"console.cases.filter.{f}"), f"cases-filter-{f}", desk.filter == f, pick(f))
                for f in FILTERS
            ],
            wrap=True,
            spacing=8,
        )
        cards: list[ft.Control] = [
            ft.Container(
                bgcolor=CARD,
                border_radius=12,
                padding=12,
                content=ft.Column(
                    [
                        ft.Semantics(identifier=f"cases-item-{i}", content=ft.Text(summary(case))),
                        *who(case),
                        buttons.compact(t("console.cases.open"), f"cases-open-{i}", opener(case.id)),
                    ],
                    spacing=6,
                ),
            )
            for i, case in enumerate(desk.cases)
        ]
        return [chips, *(cards or [text.body(t("console.cases.empty"), identifier="cases-empty")])]

    # --- one case --------------------------------------------------------------------------------------
    note = text_field(
        t("console.cases.note"), t("console.cases.note_hint"), "", lambda e: None, max_length=1000
    )
    note.multiline, note.min_lines, note.max_lines = True, 2, 5
    close_note = text_field(
        t("console.cases.close_note"), t("console.cases.close_note_hint"), "", lambda e: None, max_length=1000
    )
    death_date = text_field(
        t("console.cases.death_date"), t("console.cases.death_date_hint"), "", lambda e: None, max_length=10
    )

    async def back() -> None:
        desk.back()
        await desk.load(client)
        redraw()

    async def take() -> None:
        await desk.assign_to_me(client)
        redraw()

    async def add_note() -> None:
        if await desk.add_note(client, note.value or ""):
            note.value = ""
        redraw()

    def choose(outcome: str):
        def handler() -> None:
            desk.outcome = outcome
            redraw()

        return handler

    async def close() -> None:
        await desk.close(client, close_note.value or "", death_date.value or "")
        redraw()

    def detail() -> list[ft.Control]:
        case = desk.current
        assert case is not None
        if case.assignee_id is None:
            assignee = t("console.cases.unassigned")
        else:
            assignee = t(
                "console.cases.assignee_me" if case.assignee_id == me else "console.cases.assignee_other"
            )
        head = [
            ft.Semantics(identifier="case-summary", content=text.subheading(summary(case))),
            *who(case),
            text.body(case.description),
            ft.Semantics(identifier="case-assignee", content=ft.Text(assignee)),
        ]
        timeline = [
            text.body(
                t(
                    "console.cases.entry",
                    when=local_time(e.created_at).strftime("%Y-%m-%d"),
                    kind=t(f"console.cases.entry.{e.kind}"),
                    text=e.text or "",
                ),
                muted=True,
            )
            for e in case.entries
        ]
        controls: list[ft.Control] = [
            buttons.compact(t("console.cases.back"), "case-back", back),
            ft.Container(
                bgcolor=CARD, border_radius=12, padding=12, content=ft.Column(head + timeline, spacing=6)
            ),
        ]
        if case.state == "closed":
            controls.append(
                text.subheading(
                    t("console.cases.closed", outcome=t(f"case.outcome.{case.outcome}")),
                    identifier="case-outcome",
                )
            )
            if case.recovery_case_ids:
                ids = ", ".join(str(i) for i in case.recovery_case_ids)
                controls.append(text.body(t("console.cases.recovery", ids=ids), identifier="case-recovery"))
            return controls
        if case.assignee_id != me:
            controls.append(buttons.primary(t("console.cases.assign_me"), "case-assign-me", take))
        controls += [
            tagged("case-note", note),
            buttons.secondary(t("console.cases.add_note"), "case-add-note", add_note, icon=ft.Icons.NOTE_ADD),
            text.subheading(t("console.cases.outcome")),
            ft.Row(
                [
                    buttons.chip(t(f"case.outcome.{o}"), f"case-outcome-{o}", desk.outcome == o, choose(o))
                    for o in OUTCOMES
                ],
                wrap=True,
                spacing=8,
                run_spacing=8,
            ),
        ]
        if desk.outcome == "confirmed_deceased":
            controls.append(tagged("case-death-date", death_date))
        controls += [
            tagged("case-close-note", close_note),
            buttons.primary(t("console.cases.close"), "case-close", close),
        ]
        return controls

    async def first_load() -> None:
        if desk.current is None:
            await desk.load(client)
        redraw()

    message.value = desk.message(t)
    body.controls = detail() if desk.current is not None else listing()
    if desk.current is None and not desk.cases:
        ui.page.run_task(first_load)
    return screen(
        ui,
        ROUTE,
        t("console.cases.title"),
        [nav(ui, console), text.body(t("console.cases.intro")), message_row, body],
    )
