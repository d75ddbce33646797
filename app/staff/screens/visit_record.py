"""Home visit without a face check (bedridden without a camera, dementia, …): why, what was seen, and at
least one photo of the visit (the camera, or a picked file); sent for a reviewer, who decides. A person
without an open visit request gets one opened by staff first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.snapshot import SnapshotCamera
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from app.staff.components.visit_nav import visit_gate
from app.staff.visit_state import VisitStep
from shared.enums import VisitRecordReason

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = VisitStep.RECORD.route


def build(ui: Ui) -> ft.View:
    t = ui.t
    title = t("visit.record.title")
    if (shut := visit_gate(ui, ROUTE, title)) is not None:
        return shut
    console = ui.state.console
    visit = console.visit
    form = visit.record_form

    async def to_worklist() -> None:
        console.visit = None
        await ui.go("/worklist")

    who = text.body(
        t("visit.who", name=visit.entry.name, id_number=visit.entry.id_number), identifier="visit-who"
    )
    if visit.record is not None:
        record = visit.record
        return screen(
            ui,
            ROUTE,
            title,
            [
                who,
                ft.Row(
                    [
                        ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                        text.heading(t("visit.record.sent"), identifier="visit-record-sent"),
                    ]
                ),
                ft.Container(
                    content=ft.Column(
                        [
                            text.body(
                                t(
                                    "visit.record.sent_body",
                                    date=format_date(record.visited_on, t.language),
                                    photos=record.photos,
                                )
                            ),
                            text.body(
                                t("document.done.id", id=record.review_id or "-"),
                                identifier="visit-record-review-id",
                            ),
                        ],
                        spacing=10,
                    ),
                    bgcolor=CARD,
                    border_radius=16,
                    padding=20,
                ),
                buttons.primary(t("visit.to_worklist"), "visit-record-worklist", to_worklist),
            ],
            back_to="/worklist",
        )

    reasons = ft.Row(wrap=True, spacing=10, run_spacing=10)
    photos_line = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)
    thumbnails = ft.Row(wrap=True, spacing=8, run_spacing=8)
    message = MessageLine(identifier="visit-record-error")

    def notes_changed() -> None:
        form.notes = notes.value or ""

    notes = text_field(t("visit.record.notes"), t("visit.record.notes_hint"), form.notes, notes_changed)
    notes.multiline, notes.min_lines, notes.max_length = True, 3, 1000

    def choose(reason: VisitRecordReason):
        def handler() -> None:
            form.reason = reason
            render()

        return handler

    def render() -> None:
        reasons.controls = [
            buttons.chip(t(f"visit.record.{r}"), f"visit-record-reason-{r}", form.reason is r, choose(r))
            for r in VisitRecordReason
        ]
        photos_line.value = (
            t("visit.record.photos", count=len(form.photos)) if form.photos else t("visit.record.photos_none")
        )
        thumbnails.controls = [
            ft.Image(src=data, width=96, height=96, fit=ft.BoxFit.COVER, border_radius=8)
            for _, data, _ in form.photos
        ]
        errors = form.errors() if form.attempted else {}
        shown = [t(key) for key in errors.values()]
        if visit.notice is not None:
            shown.append(visit.notice.render(t))
        message.show(" ".join(shown) or None)

    async def photo_taken(data: bytes) -> None:
        form.add_photo(f"visit-{len(form.photos) + 1}.jpg", data)
        render()

    def picked(e: ft.FilePickerResultEvent) -> None:
        problems = [key for f in e.files or [] if (key := form.add_photo(f.name, f.bytes or b"")) is not None]
        render()
        if problems:
            message.show(t(problems[0]))

    async def submit() -> None:
        form.notes = notes.value or form.notes
        if await visit.submit_record(console.field_client):
            await snapshot.close()
            ui.refresh()
        else:
            render()
        ui.page.update()

    snapshot = SnapshotCamera(
        ui, id_prefix="visit-record", on_photo=photo_taken, take_key="visit.record.take"
    )
    picker = ft.FilePicker(on_result=picked)
    pick_button = buttons.pick_files(
        t("visit.record.pick"), "visit-record-pick", picker, ["jpg", "jpeg", "png"]
    )
    render()
    return screen(
        ui,
        ROUTE,
        title,
        [
            who,
            text.body(t("visit.record.intro")),
            text.subheading(t("visit.record.reason")),
            reasons,
            tagged("visit-record-notes", notes),
            text.subheading(t("visit.record.photos_title")),
            *snapshot.controls,
            pick_button,
            ft.Semantics(identifier="visit-record-photos", live_region=True, content=photos_line),
            thumbnails,
            message.control,
            buttons.primary(t("visit.record.submit"), "visit-record-submit", submit),
        ],
        back_to="/worklist/person",
    )
