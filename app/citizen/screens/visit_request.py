"""请工作人员上门: ask for a home visit — ID number and name (or a bound relative), a phone to arrange it,
why — then the confirmation: asked on which day, and the date and worker once arranged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.identity_fields import IdentityFields
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from shared.enums import VisitRequestReason, VisitState

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/visit-request"


def build(ui: Ui) -> ft.View:
    t = ui.t
    form = ui.state.visit_request
    back = "/family/relatives" if form.binding_id is not None else "/certify/alternatives"

    async def home() -> None:
        await ui.go("/")

    async def status() -> None:
        await ui.go("/status")

    if form.ack is not None:
        return screen(ui, ROUTE, t("visit_request.title"), _confirmation(ui, home, status), back_to="/")

    reasons = ft.Column(spacing=10)
    message = MessageLine(identifier="visit-request-error")

    def phone_changed() -> None:
        form.phone = phone.value or ""

    def note_changed() -> None:
        form.note = note.value or ""

    phone = text_field(
        t("visit_request.phone"),
        t("visit_request.phone_hint"),
        form.phone,
        phone_changed,
        keyboard=ft.KeyboardType.PHONE,
    )
    note = text_field(
        t("visit_request.note"), t("visit_request.note_hint"), form.note, note_changed, max_length=300
    )

    def choose(reason: VisitRequestReason):
        def handler() -> None:
            form.reason = reason
            render()

        return handler

    def render() -> None:
        reasons.controls = [
            buttons.toggle(t(f"visit.reason.{r}"), f"visit-request-reason-{r}", form.reason is r, choose(r))
            for r in VisitRequestReason
        ]
        errors = form.errors() if form.attempted else {}
        shown = [t(errors[k]) for k in ("phone", "reason", "note") if k in errors]
        if form.notice is not None:
            shown.append(form.notice.render(t))
        message.show(" ".join(shown) or None)
        if fields is not None:
            fields.render()

    async def submit() -> None:
        form.phone, form.note = phone.value or form.phone, note.value or form.note
        if await form.submit(ui.api):
            ui.refresh()
        else:
            render()
        ui.page.update()

    fields = None
    if form.binding_id is not None:
        who: list[ft.Control] = [
            text.subheading(
                t("visit_request.for_relative", name=form.relative_name), identifier="visit-request-relative"
            )
        ]
    else:
        fields = IdentityFields(form.identity, t, id_prefix="visit-request", on_submit=submit)
        who = list(fields.controls)
    render()
    return screen(
        ui,
        ROUTE,
        t("visit_request.title"),
        [
            text.body(t("visit_request.intro")),
            *who,
            tagged("visit-request-phone", phone),
            text.subheading(t("visit_request.reason")),
            reasons,
            tagged("visit-request-note", note),
            message.control,
        ],
        back_to=back,
        actions=[buttons.primary(t("visit_request.submit"), "visit-request-submit", submit)],
    )


def _confirmation(ui: Ui, home, status) -> list[ft.Control]:
    t = ui.t
    ack = ui.state.visit_request.ack
    lang = t.language
    lines = [
        text.body(
            t("visit_request.requested_on", date=format_date(ack.requested_on, lang)),
            identifier="visit-request-date",
        )
    ]
    if ack.state is VisitState.SCHEDULED and ack.scheduled_on is not None:
        lines.append(
            text.body(
                t(
                    "result.visit.scheduled",
                    date=format_date(ack.scheduled_on, lang),
                    worker=ack.worker_name or "",
                ),
                identifier="visit-request-scheduled",
            )
        )
    else:
        lines.append(text.body(t("visit_request.next"), identifier="visit-request-next"))
    lines.append(text.body(t("visit_request.follow"), muted=True))
    heading = "visit_request.done.title" if ack.created else "visit_request.already.title"
    return [
        ft.Row(
            [
                ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                text.heading(t(heading), identifier="visit-request-done"),
            ]
        ),
        ft.Container(content=ft.Column(lines, spacing=10), bgcolor=CARD, border_radius=16, padding=20),
        buttons.primary(t("home.check_status"), "visit-request-status", status),
        buttons.secondary(t("common.home"), "visit-request-home", home, icon=ft.Icons.HOME),
    ]
