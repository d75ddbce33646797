"""Send documents for an officer: ID number and name, pick photos/PDFs (inside the tap, as browsers need),
send; the answer says by when staff will decide and gives a reference number."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.identity_fields import IdentityFields
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.common.dates import format_date
from app.common.notices import Notice
from shared.reference import group

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    upload = ui.state.documents
    picked = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)
    notice = MessageLine(identifier="document-notice")

    def render() -> None:
        picked.value = (
            t("document.picked", names="、".join(n for n, _, _ in upload.files)) if upload.files else ""
        )
        notice.show(upload.notice.render(t) if upload.notice else None)

    def on_picked(e: ft.FilePickerResultEvent) -> None:
        upload.notice = None
        for f in e.files or []:
            problem = upload.add_file(f.name, f.bytes or b"")
            if problem:
                upload.notice = Notice(key=problem)
        render()

    async def submit() -> None:
        ok = await upload.submit(ui.api)
        fields.render()
        render()
        if ok:
            ui.refresh()

    async def home() -> None:
        await ui.go("/")

    picker = ft.FilePicker(on_result=on_picked)
    fields = IdentityFields(upload.form, t, id_prefix="document", on_submit=submit)
    pick_button = buttons.pick_files(
        t("document.pick"), "document-pick", picker, ["jpg", "jpeg", "png", "pdf"]
    )
    render()
    if upload.result is not None:
        result = upload.result
        controls: list[ft.Control] = [
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                    text.heading(t("document.done.title"), identifier="document-done"),
                ]
            ),
            ft.Container(
                content=ft.Column(
                    [
                        *(
                            [
                                text.body(
                                    t("document.done.body", date=format_date(result.expected_by, t.language)),
                                    identifier="document-expected",
                                )
                            ]
                            if result.expected_by
                            else []
                        ),
                        text.body(
                            t("document.done.id", id=group(result.reference or result.review_id)),
                            identifier="document-review-id",
                        ),
                    ],
                    spacing=10,
                ),
                bgcolor=CARD,
                border_radius=16,
                padding=20,
            ),
            buttons.primary(t("common.home"), "document-home", home),
        ]
    else:
        intro = "document.intro.overseas" if upload.overseas else "document.intro.evidence"
        controls = [
            text.body(t(intro)),
            *fields.controls,
            pick_button,
            ft.Semantics(identifier="document-picked", content=picked),
            notice.control,
            buttons.primary(t("document.submit"), "document-submit", submit),
        ]
    return screen(ui, "/documents", t("document.title"), controls)
