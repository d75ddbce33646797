"""Home visit, the end: what was done (reference face, certification and receipt, contact, the visit
request closed) and the way back to the work list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from app.staff.components.visit_nav import step_line, visit_gate
from app.staff.visit_state import VisitStep

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.DONE.route


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    console = ui.state.console
    visit = console.visit

    async def to_worklist() -> None:
        console.visit = None  # the list is asked again: this person has moved on
        await ui.go("/worklist")

    lines: list[ft.Control] = []
    if visit.reference is not None:
        lines.append(text.body(t("visit.done.reference"), identifier="visit-done-reference"))
    receipt = visit.result.receipt if visit.result is not None else None
    if receipt is not None:
        lines.append(
            text.body(
                t(
                    "visit.done.certified",
                    date=format_date(receipt.certified_on, t.language),
                    method=t(f"method.{receipt.method}"),
                ),
                identifier="visit-done-certified",
            )
        )
    elif visit.result is not None:
        lines.append(text.body(t("visit.face.needs_review"), identifier="visit-done-review"))
    if visit.contact is not None:
        key = "visit.done.contact_changed" if visit.contact.changed else "visit.done.contact_confirmed"
        lines.append(text.body(t(key), identifier="visit-done-contact"))
    if visit.request is not None:
        lines.append(
            text.body(
                t("visit.done.request", state=t(f"visit.state.{visit.request.state}")),
                identifier="visit-done-request",
            )
        )
    if visit.notice is not None:
        lines.append(text.status_line(visit.notice.render(t), ok=False, identifier="visit-done-notice"))
    return screen(
        ui,
        ROUTE,
        title,
        [
            step_line(ui, visit, VisitStep.DONE),
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                    text.heading(t("visit.done.title"), identifier="visit-done-title"),
                ]
            ),
            ft.Container(content=ft.Column(lines, spacing=10), bgcolor=CARD, border_radius=16, padding=20),
            buttons.primary(t("visit.to_worklist"), "visit-done-worklist", to_worklist),
        ],
        back_to="/worklist",
    )
