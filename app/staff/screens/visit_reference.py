"""Home visit, step 2 when the person has no reference face or an outdated one (人脸建模): a photo of the
person with the coordinator's camera, sent with the ID card's last 4 characters; the API's quality gate
refuses a poor photo with a reason (too dark, no face, someone else in the picture …) shown in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.messages import MessageLine
from app.common.components.oval import face_oval
from app.common.components.scaffold import screen
from app.common.components.snapshot import SnapshotCamera
from app.common.components.theme import OK
from app.staff.components.visit_nav import step_line, visit_gate
from app.staff.visit_state import VisitStep

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.REFERENCE.route


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    console = ui.state.console
    visit = console.visit
    message = MessageLine(identifier="visit-reference-notice")
    done = ft.Semantics(
        identifier="visit-reference-done",
        live_region=True,
        content=ft.Row(
            [
                ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=40),
                ft.Text(
                    t("visit.reference.done"),
                    color=OK,
                    theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                    expand=True,
                ),
            ]
        ),
    )
    thumbnail = ft.Container(visible=False)  # the photo just taken
    sending = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)

    async def to_id_card() -> None:
        await ui.go(VisitStep.ID_CARD.route)

    async def next_step() -> None:
        await snapshot.close()
        await ui.go(VisitStep.FACE.route)

    recheck = buttons.secondary(
        t("visit.id.again"), "visit-reference-recheck", to_id_card, icon=ft.Icons.BADGE
    )
    next_button = buttons.primary(t("common.next"), "visit-reference-next", next_step)

    def render() -> None:
        enrolled = visit.reference is not None
        done.visible = enrolled
        next_button.visible = enrolled
        recheck.visible = visit.id_card_refused
        message.show(visit.notice.render(t) if visit.notice else None)
        sending.value = t("visit.reference.sending") if visit.busy else ""

    async def photo_taken(data: bytes) -> None:
        thumbnail.content = ft.Image(src=data, width=160, height=160, fit=ft.BoxFit.COVER, border_radius=12)
        thumbnail.visible = True
        visit.busy = True
        render()
        ui.page.update()
        if await visit.enrol_reference(console.field_client, data):
            await snapshot.finish()  # saved: the camera is done
        render()

    snapshot = SnapshotCamera(
        ui,
        id_prefix="visit-reference",
        on_photo=photo_taken,
        take_key="visit.reference.take",
        overlay=face_oval(),
    )
    if visit.reference is not None:  # back on this step after the photo was saved
        snapshot.finished = True
        snapshot.render()
    render()
    intro = "visit.reference.outdated" if visit.entry.reference_face else "visit.reference.missing"
    return screen(
        ui,
        ROUTE,
        title,
        [
            step_line(ui, visit, VisitStep.REFERENCE),
            text.body(t(intro)),
            text.body(t("visit.reference.how"), muted=True),
            *snapshot.controls,
            ft.Semantics(identifier="visit-reference-sending", live_region=True, content=sending),
            thumbnail,
            message.control,
            recheck,
            done,
            next_button,
        ],
        back_to=VisitStep.ID_CARD.route,
    )
