"""Neighbour attestation (coordinators, admins): open one for a person of the region, add photos from the
camera or files from the device, sign the village level; "continue" goes back to one still in progress.

Two modes on one route: without an attestation at hand, the form and the list of mine in progress; with
one, its card, the evidence to add and the signature. Switching modes rebuilds the view; inside a mode the
parts are updated in place (the camera preview stays open while photos are taken).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.identity_fields import IdentityFields
from app.common.components.messages import MessageLine
from app.common.components.scaffold import screen
from app.common.components.snapshot import SnapshotCamera
from app.common.components.theme import ACCENT, CARD, INK, OK
from app.staff.attestation_state import AttestationDesk, PendingFile
from app.staff.case_client import CaseClient
from app.staff.components.attestation_card import attestation_card, level_label
from app.staff.components.console_nav import gate, nav
from shared.cycle import agency_today

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/attestations"
PICK_EXTENSIONS = ["jpg", "jpeg", "png", "pdf", "mp4"]


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("attest.title"))) is not None:
        return shut
    desk: AttestationDesk = console.attest
    cases = CaseClient(console.client)
    message = MessageLine(identifier="attest-message")
    message.show(desk.message(t))
    mode = _working if desk.current is not None else _starting
    body = mode(ui, desk, cases, message)
    return screen(ui, ROUTE, t("attest.title"), [nav(ui, console), *body])


def _starting(ui: Ui, desk: AttestationDesk, cases: CaseClient, message: MessageLine) -> list[ft.Control]:
    """The form to open an attestation, and mine still in progress (loaded when the screen opens)."""
    t = ui.t

    async def open_attestation() -> None:
        if await desk.open(cases):
            ui.refresh()
        else:
            fields.render()
            message.show(desk.message(t))
        ui.page.update()

    def set_reason(e: ft.Event[ft.TextField]) -> None:
        desk.reason = e.control.value or ""

    def set_witness(e: ft.Event[ft.TextField]) -> None:
        desk.witness = e.control.value or ""

    fields = IdentityFields(desk.form, t, id_prefix="attest")
    reason = text_field(t("attest.reason"), t("attest.reason_hint"), desk.reason, set_reason, max_length=500)
    reason.multiline, reason.min_lines, reason.max_lines = True, 2, 5
    witness = text_field(
        t("attest.witness"), t("attest.witness_hint"), desk.witness, set_witness, max_length=100
    )
    mine = ft.Column(spacing=16)

    def resume(attestation_id: int):
        async def handler() -> None:
            if await desk.resume(cases, attestation_id):
                ui.refresh()
            else:
                message.show(desk.message(t))
            ui.page.update()

        return handler

    def render_mine() -> None:
        mine.controls = [
            attestation_card(
                t,
                att,
                f"attest-mine-{i}",
                [buttons.secondary(t("attest.resume"), f"attest-resume-{i}", resume(att.attestation_id))],
            )
            for i, att in enumerate(desk.mine)
        ] or [text.body(t("attest.mine.empty"), identifier="attest-mine-empty", muted=True)]

    async def load() -> None:
        await desk.load_mine(cases)
        render_mine()
        message.show(desk.message(t))
        ui.page.update()

    render_mine()
    ui.page.run_task(load)
    return [
        text.body(t("attest.intro")),
        *fields.controls,
        tagged("attest-reason", reason),
        tagged("attest-witness", witness),
        message.control,
        buttons.primary(t("attest.open"), "attest-open", open_attestation),
        text.subheading(t("attest.mine"), identifier="attest-mine"),
        mine,
    ]


def _working(ui: Ui, desk: AttestationDesk, cases: CaseClient, message: MessageLine) -> list[ft.Control]:
    """One attestation: its card, the evidence to add (camera, files), the signature of the next level."""
    t = ui.t
    card = ft.Column()
    done = ft.Text("", color=OK, weight=ft.FontWeight.W_600)
    # Shown only with a text (an emptied Text leaves a stale node in the browser's semantics tree).
    done_line = ft.Semantics(identifier="attest-done", live_region=True, content=done, visible=False)
    pending = ft.Column(spacing=10)
    collecting = ft.Column(spacing=16, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    sign_row = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)

    def render() -> None:
        att = desk.current
        if att is None:
            return
        card.controls = [attestation_card(t, att, "attest-current")]
        if att.review_id is not None:
            done.value = t("attest.submitted", id=att.review_id)
        elif desk.last_signed is not None and desk.last_signed.attestation_id == att.attestation_id:
            signed = desk.last_signed.signoffs[-1] if desk.last_signed.signoffs else None
            done.value = t(
                "attest.signed", name=att.holder_name, level=level_label(t, signed.level if signed else None)
            )
        else:
            done.value = t("attest.needs_evidence") if not att.evidence else ""
        done_line.visible = bool(done.value)
        collecting.visible = att.status == "collecting"
        sign_row.visible = desk.may_sign(att, ui.state.console.staff.staff_id)
        sign_row.controls = [
            text.body(t("attest.sign.intro")),
            buttons.primary(t("attest.sign", level=level_label(t, att.next_signoff)), "attest-sign", sign),
        ]
        pending.controls = [_pending_row(t, i, f, drop(i)) for i, f in enumerate(desk.pending)]
        if desk.pending:
            pending.controls.insert(0, text.body(t("attest.pending", count=len(desk.pending))))
        send.visible = bool(desk.pending)
        message.show(desk.message(t))

    def drop(index: int):
        def handler() -> None:
            desk.drop_pending(index)
            render()
            ui.page.update()

        return handler

    async def on_photo(data: bytes) -> None:
        desk.add_photo(data)
        render()

    def on_picked(e: ft.FilePickerResultEvent) -> None:
        for f in e.files or []:
            if not desk.add_file(f.name, f.bytes or b""):
                break
        render()
        ui.page.update()

    async def send_files() -> None:
        await desk.send_files(cases, today=agency_today())
        render()
        ui.page.update()

    async def sign() -> None:
        if desk.current is not None:
            await desk.sign(cases, desk.current)
        render()
        ui.page.update()

    async def close() -> None:
        await camera.close()
        desk.close()
        ui.refresh()
        ui.page.update()

    def set_taken_on(e: ft.Event[ft.TextField]) -> None:
        desk.taken_on = e.control.value or ""

    camera = SnapshotCamera(
        ui,
        id_prefix="attest-camera",
        on_photo=on_photo,
        take_key="attest.camera.take",
        open_key="attest.camera.open",
    )
    picker = ft.FilePicker(on_result=on_picked)
    pick = buttons.pick_files(t("attest.pick"), "attest-pick", picker, PICK_EXTENSIONS)
    taken_on = text_field(t("attest.taken_on"), t("attest.taken_on_hint"), desk.taken_on, set_taken_on)
    send = buttons.primary(t("attest.send"), "attest-send", send_files)
    collecting.controls = [
        text.subheading(t("attest.evidence")),
        text.body(t("attest.evidence.intro")),
        *camera.controls,
        pick,
        ft.Semantics(identifier="attest-pending", content=pending),
        tagged("attest-taken-on", taken_on),
        send,
    ]
    render()
    return [
        ft.Semantics(identifier="attest-current", content=card),
        collecting,
        message.control,
        done_line,
        sign_row,
        buttons.secondary(t("attest.back"), "attest-close", close, icon=ft.Icons.ARROW_BACK),
    ]


def _pending_row(t, index: int, f: PendingFile, on_drop) -> ft.Control:
    preview: ft.Control = (
        ft.Image(src=f.data, height=80, width=96, fit=ft.BoxFit.COVER, border_radius=8)
        if f.is_photo
        else ft.Icon(ft.Icons.INSERT_DRIVE_FILE, size=48, color=ACCENT)
    )
    return ft.Semantics(
        identifier=f"attest-pending-{index}",
        content=ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=12,
            content=ft.Row(
                [
                    preview,
                    ft.Semantics(
                        identifier=f"attest-pending-{index}-name",
                        expand=True,
                        content=ft.Text(t("attest.pending.file", name=f.name), color=INK),
                    ),
                    ft.Semantics(
                        identifier=f"attest-drop-{index}",
                        content=ft.IconButton(
                            ft.Icons.DELETE_OUTLINE,
                            icon_size=36,
                            tooltip=t("attest.pending.drop"),
                            on_click=on_drop,
                        ),
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
        ),
    )
