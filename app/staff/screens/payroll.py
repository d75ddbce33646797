"""The monthly payroll file for the paying bank: pick a month, download it as CSV or fixed width, upload
the bank's return file and see the payments that failed (open cases)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.payroll_state import RETURN_EXTENSIONS, Format
from shared.cycle import agency_today

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/payroll"


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("payroll.title"))) is not None:
        return shut
    desk = console.payroll
    if not desk.month:
        desk.month = f"{agency_today():%Y-%m}"

    def set_month(e: ft.Event[ft.TextField]) -> None:
        desk.month = e.control.value or ""

    month = text_field(t("payroll.month"), t("payroll.month_hint"), desk.month, set_month)
    message, message_row = error_line("payroll-error")
    result = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    failures = ft.Column(spacing=6)

    def render() -> None:
        message.value = desk.message(t)
        lines = []
        if desk.last_file is not None:
            lines.append(t("payroll.downloaded", name=desk.last_file[0]))
        if (r := desk.last_import) is not None:
            lines.append(
                t("payroll.imported", lines=r.lines, paid=r.paid, failed=r.failed, new=r.new_failures)
            )
        if desk.resolved is not None:
            lines.append(t("payroll.resolved", id=desk.resolved.masked_id))
        result.value = "\n".join(lines)
        reason.value = desk.resolve_reason
        rows: list[ft.Control] = []
        for f in desk.failures:
            rows.append(
                text.body(
                    t(
                        "payroll.failure",
                        id=f.masked_id,
                        month=f.month,
                        action=t(f"payroll.action.{f.action}"),
                        amount=_yuan(f.amount_cents),
                        code=f.reason_code,
                    ),
                    identifier=f"payroll-failure-{f.id}",
                )
            )
            rows.append(buttons.secondary(t("payroll.resolve"), f"payroll-resolve-{f.id}", resolve(f.id)))
        if rows:
            rows.insert(0, tagged("payroll-resolve-reason", reason))
        failures.controls = rows or [
            text.body(t("payroll.failures.empty"), identifier="payroll-failures-empty", muted=True)
        ]

    def set_reason(e: ft.Event[ft.TextField]) -> None:
        desk.resolve_reason = e.control.value or ""

    reason = text_field(t("payroll.resolve_reason"), t("payroll.resolve_reason_hint"), "", set_reason)

    def resolve(failure_id: int):
        async def handler() -> None:
            if console.client is None:
                return
            await desk.resolve(console.client, failure_id)
            render()
            ui.page.update()

        return handler

    def export(fmt: Format):
        async def handler() -> None:
            if console.client is None:
                return
            got = await desk.export(console.client, fmt)
            if got is not None:
                # exported (and audited) all the same when the device offers no place to save it
                with contextlib.suppress(ValueError, RuntimeError, TimeoutError):
                    await saver.save_file(file_name=got[0], src_bytes=got[1])
            render()
            ui.page.update()

        return handler

    async def picked(e: ft.FilePickerResultEvent) -> None:
        files = e.files or []
        if not files or console.client is None:
            return
        await desk.upload_return(console.client, files[0].name, files[0].bytes or b"")
        render()
        ui.page.update()

    async def load() -> None:
        if console.client is not None:
            await desk.load_failures(console.client)
        render()
        ui.page.update()

    saver = ft.FilePicker()  # saves the downloaded file on the device
    picker = ft.FilePicker(on_result=picked)
    render()
    ui.page.run_task(load)
    return screen(
        ui,
        ROUTE,
        t("payroll.title"),
        [
            nav(ui, console),
            text.body(t("payroll.intro")),
            tagged("payroll-month", month),
            message_row,
            buttons.primary(t("payroll.download_csv"), "payroll-csv", export("csv")),
            buttons.secondary(t("payroll.download_txt"), "payroll-txt", export("txt")),
            text.subheading(t("payroll.return")),
            text.body(t("payroll.return.intro")),
            buttons.pick_files(t("payroll.upload"), "payroll-upload", picker, RETURN_EXTENSIONS),
            ft.Semantics(identifier="payroll-result", live_region=True, content=result),
            text.subheading(t("payroll.failures"), identifier="payroll-failures"),
            failures,
        ],
    )
