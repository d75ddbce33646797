"""Proposed record changes waiting for approval: each with the person, the field, before → after, the
reason, the evidence and who proposed it; approve (with an optional note) or reject (with a reason). A
change the signed-in staff member proposed is shown without the buttons: another staff member decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.record_change_state import shown_value
from shared.cycle import local_time

if TYPE_CHECKING:
    from app.common.ui import Ui
    from shared.record_changes import RecordChangePublic

ROUTE = "/changes"


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.nav.changes"))) is not None:
        return shut
    desk = state.changes
    items = ft.Column(spacing=16)
    count = ft.Text("")
    done = ft.Text("", color=OK)
    message, message_row = error_line("changes-error")

    def render() -> None:
        n = len(desk.queue)
        count.value = t("changes.count", count=n) if n else t("changes.empty")
        last = desk.last_decided
        done.value = (
            t(
                f"changes.{last.status.value}",
                name=last.person_name,
                field=t(f"change.field.{last.field.value}"),
            )
            if last
            else ""
        )
        message.value = desk.message(t)
        items.controls = [card(i, c) for i, c in enumerate(desk.queue)]

    def card(index: int, change: RecordChangePublic) -> ft.Control:
        note = text_field(t("changes.reason"), t("changes.reason_hint"), "", lambda e: None)

        def decide(approve: bool):
            async def handler() -> None:
                await desk.decide(state.client, change.id, approve=approve, reason=note.value or "")
                render()
                ui.page.update()

            return handler

        target = t(f"change.field.{change.field.value}")
        if change.benefit_type:
            target = t("changes.of_benefit", field=target, benefit=t(f"benefit.{change.benefit_type}"))
        lines = [
            t("changes.person", name=change.person_name, id=change.id_number),
            t(
                "changes.before_after",
                field=target,
                before=shown_value(t, change.field, change.before),
                after=shown_value(t, change.field, change.after),
            ),
            *([t("changes.from_month", month=change.from_month)] if change.from_month else []),
            t("changes.why", reason=change.reason),
            *([t("changes.evidence", evidence=change.evidence)] if change.evidence else []),
            t(
                "changes.by",
                name=change.proposed_by_name,
                date=local_time(change.proposed_at).strftime("%Y-%m-%d %H:%M"),
            ),
        ]
        body: list[ft.Control] = [
            ft.Semantics(
                identifier=f"changes-item-{index}",
                content=ft.Column(
                    [
                        ft.Text(lines[0], theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                        *(ft.Text(x) for x in lines[1:]),
                    ],
                    spacing=4,
                ),
            )
        ]
        if change.can_decide:
            body += [
                tagged(f"changes-reason-{index}", note),
                ft.Row(
                    [
                        buttons.primary(t("changes.approve"), f"changes-approve-{index}", decide(True)),
                        buttons.secondary(t("changes.reject"), f"changes-reject-{index}", decide(False)),
                    ],
                    spacing=12,
                    wrap=True,
                ),
            ]
        else:
            body.append(text.body(t("changes.not_yours"), muted=True))
        return ft.Container(bgcolor=CARD, border_radius=12, padding=16, content=ft.Column(body, spacing=10))

    async def load() -> None:
        await desk.load_queue(state.client)
        render()
        ui.page.update()

    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("console.nav.changes"),
        [
            nav(ui, state),
            text.body(t("changes.intro")),
            ft.Semantics(identifier="changes-count", content=count),
            ft.Semantics(identifier="changes-done", live_region=True, content=done),
            message_row,
            items,
        ],
    )
