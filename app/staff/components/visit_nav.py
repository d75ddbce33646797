"""What every home-visit screen starts with: the gate (signed in, a role that acts in the field, a person
chosen from the work list) and the line that says which step this is."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.staff.components.console_nav import gate
from app.staff.navigation import acts_in_field
from app.staff.visit_state import HomeVisit, VisitStep

if TYPE_CHECKING:
    from app.common.ui import Ui


def visit_gate(ui: Ui, route: str, title: str) -> ft.View | None:
    """A screen to show instead of a visit step (sign in; not for this role; no person chosen), or None."""
    state = ui.state.console
    if (shut := gate(ui, state, route, title)) is not None:
        return shut

    async def to_worklist() -> None:
        await ui.go("/worklist")

    if not acts_in_field(state.staff.role):
        return screen(
            ui,
            route,
            title,
            [
                text.body(ui.t("console.not_allowed"), identifier="console-not-allowed"),
                buttons.primary(ui.t("visit.to_worklist"), "visit-to-worklist", to_worklist),
            ],
            back_to="/worklist",
        )
    if state.visit is None:
        return screen(
            ui,
            route,
            title,
            [
                text.body(ui.t("visit.none"), identifier="visit-none"),
                buttons.primary(ui.t("visit.to_worklist"), "visit-to-worklist", to_worklist),
            ],
            back_to="/worklist",
        )
    return None


def step_line(ui: Ui, visit: HomeVisit, step: VisitStep) -> ft.Control:
    """ "Step 2 of 5: …" and whose visit this is (name and full ID number on one line, to compare with the
    card)."""
    t = ui.t
    steps = visit.steps
    number = steps.index(step) + 1 if step in steps else 1
    return ft.Column(
        [
            text.subheading(
                t("visit.step", n=number, total=len(steps), name=t(f"visit.step.{step.value}")),
                identifier="visit-step",
            ),
            text.body(
                t("visit.who", name=visit.entry.name, id_number=visit.entry.id_number), identifier="visit-who"
            ),
        ],
        spacing=6,
    )
