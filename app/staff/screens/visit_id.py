"""Home visit, step 1: the ID card in hand — "I have seen the ID card" and its last 4 characters typed back
(the API compares them with the roll on the next step and answers ``id_card_mismatch`` when they differ)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.staff.components.visit_nav import step_line, visit_gate
from app.staff.visit_state import VisitStep

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.ID_CARD.route


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    visit = ui.state.console.visit
    message = MessageLine(identifier="visit-id-error")

    def recheck() -> None:
        """Once "next" was pressed, the message follows the form: it goes when the problem is fixed."""
        if visit.id_attempted and not visit.id_card_refused:
            key = visit.id_error_key()
            message.show(t(key) if key else None)
            ui.page.update()

    def seen_changed() -> None:
        visit.id_seen = bool(seen.value)
        recheck()

    def last4_changed() -> None:
        visit.last4 = (last4.value or "").upper()
        recheck()

    seen = ft.Checkbox(
        label=t("visit.id.seen"),
        value=visit.id_seen,
        on_change=seen_changed,
        label_style=ft.TextStyle(size=ui.scale.body),
    )
    last4 = text_field(
        t("visit.id.last4"), t("visit.id.last4_hint"), visit.last4, last4_changed, max_length=4
    )
    last4.capitalization = ft.TextCapitalization.CHARACTERS

    async def next_step() -> None:
        visit.last4 = (last4.value or visit.last4).upper()
        if not visit.confirm_id():
            message.show(t(visit.id_error_key()))
            ui.page.update()
            return
        await ui.go(visit.step_after_id().route)

    last4.on_submit = next_step
    refused = visit.notice.render(t) if visit.id_card_refused else None
    message.show(
        refused or (t(visit.id_error_key()) if visit.id_attempted and visit.id_error_key() else None)
    )
    return screen(
        ui,
        ROUTE,
        title,
        [
            step_line(ui, visit, VisitStep.ID_CARD),
            text.body(t("visit.id.intro")),
            ft.Semantics(
                identifier="visit-id-seen", content=ft.Container(seen, padding=ft.Padding.only(left=8))
            ),
            tagged("visit-id-last4", last4),
            message.control,
            buttons.primary(t("common.next"), "visit-id-next", next_step),
        ],
        back_to="/worklist/person",
    )
