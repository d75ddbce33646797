"""One person of the work list: who, why, each entitlement's window, the visit request (schedule it with
me as the visiting worker, or close it as "could not reach"), and the two ways of the home visit: the face
path (ID card → reference face → face check) or a visit record when no face check can be done."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from app.staff.components.console_nav import gate
from app.staff.components.person_card import person_card
from app.staff.navigation import acts_in_field
from app.staff.visit_state import VisitStep
from shared.cycle import local_date

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/worklist/person"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    title = t("person.title")
    if (shut := gate(ui, console, ROUTE, title)) is not None:
        return shut
    visit = console.visit

    async def to_worklist() -> None:
        await ui.go("/worklist")

    if visit is None:
        return screen(
            ui,
            ROUTE,
            title,
            [
                text.body(t("visit.none"), identifier="visit-none"),
                buttons.primary(t("visit.to_worklist"), "visit-to-worklist", to_worklist),
            ],
            back_to="/worklist",
        )
    entry = visit.entry
    field_work = acts_in_field(console.staff.role)
    lang = t.language
    head = ft.Column()
    request_box = ft.Column(spacing=12)
    notice = MessageLine(identifier="person-notice")
    done = ft.Text("", color=OK)
    date_field = text_field(
        t("person.schedule.date"), t("console.audit.date_hint"), visit.today.isoformat(), lambda e: None
    )
    reason_field = text_field(t("person.unreached.reason"), t("person.unreached.hint"), "", lambda e: None)

    def act(action, message_key: str):
        async def handler() -> None:
            ok = await action()
            done.value = t(message_key) if ok else ""
            render()
            ui.page.update()

        return handler

    schedule = act(lambda: visit.schedule(console.field_client, date_field.value or ""), "person.scheduled")
    unreached = act(
        lambda: visit.could_not_reach(console.field_client, reason_field.value or ""), "person.unreached.done"
    )
    schedule_button = buttons.primary(t("person.schedule"), "person-schedule", schedule)
    unreached_button = buttons.secondary(
        t("person.unreached"), "person-unreached", unreached, icon=ft.Icons.PHONE_DISABLED
    )

    def render() -> None:
        head.controls = [person_card(t, entry, "person-card", visit=visit.request)]
        request_box.controls = []
        request = visit.request
        if request is not None:
            lines = [
                t(
                    "person.request.by",
                    date=format_date(local_date(request.requested_at), lang),
                    reason=t(f"visit.reason.{request.reason}"),
                )
            ]
            if request.contact_phone:
                lines.append(t("person.request.phone", phone=request.contact_phone))
            if request.note:
                lines.append(t("person.request.note", note=request.note))
            request_box.controls.append(
                ft.Semantics(
                    identifier="person-request",
                    content=ft.Column([ft.Text(line) for line in lines], spacing=6),
                )
            )
        can_move = field_work and (visit.request_open or (request is None and entry.visit is not None))
        for control in (date_field_row, schedule_button, reason_field_row, unreached_button):
            control.visible = can_move
        notice.show(visit.notice.render(t) if visit.notice else None)

    def go(step: VisitStep):
        async def handler() -> None:
            visit.notice = None
            await ui.go(step.route)

        return handler

    async def go_to_change() -> None:
        """The change form, with the person's record loaded first (the form opens filled)."""
        visit.notice = None
        console.changes.for_person(entry.person_id)
        await console.changes.load_record(console.client)
        await ui.go("/worklist/person/change")

    date_field_row = tagged("person-schedule-date", date_field)
    reason_field_row = tagged("person-unreached-reason", reason_field)
    windows = [
        text.body(
            t(
                "person.window",
                benefit=t(f"benefit.{e.benefit_type}"),
                state=t(f"cycle.{e.state}"),
                start=format_date(e.window_start, lang),
                end=format_date(e.window_end, lang),
            )
        )
        for e in entry.entitlements
    ]
    phone = (
        [text.body(t("person.phone", phone=entry.phone), identifier="person-phone")] if entry.phone else []
    )

    async def load() -> None:
        await visit.load_request(console.field_client)
        render()
        ui.page.update()

    render()
    if ui.page is not None and entry.visit is not None and visit.request is None:
        ui.page.run_task(load)
    controls: list[ft.Control] = [head]
    if field_work:  # the visit itself first: on a phone its button is on the first screen
        controls += [
            buttons.primary(t("person.start"), "person-start", go(VisitStep.ID_CARD)),
            text.body(t("person.start.hint"), muted=True),
            buttons.secondary(
                t("person.no_face"), "person-record", go(VisitStep.RECORD), icon=ft.Icons.EDIT_NOTE
            ),
        ]
    if entry.visit is not None or visit.request is not None:
        controls.append(
            ft.Container(
                content=ft.Column(
                    [
                        text.subheading(t("person.request.title")),
                        request_box,
                        *(
                            [date_field_row, schedule_button, reason_field_row, unreached_button]
                            if field_work
                            else []
                        ),
                        ft.Semantics(identifier="person-done", live_region=True, content=done),
                        notice.control,
                    ],
                    spacing=12,
                ),
                bgcolor=CARD,
                border_radius=16,
                padding=16,
            )
        )
    else:
        controls.append(notice.control)
    controls += [
        *phone,
        *windows,
        buttons.secondary(t("person.change"), "person-change", go_to_change, icon=ft.Icons.EDIT),
    ]
    return screen(ui, ROUTE, title, controls, back_to="/worklist")
