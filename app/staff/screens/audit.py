"""The audit viewer: search events by person (ID number), actor and date; show whether the hash chain
verifies (the server recomputes the whole chain on every search)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR, OK
from app.staff.components.console_nav import error_line, gate, nav
from app.staff.console_state import valid_date
from shared.cycle import local_time

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/audit"


def snapshot(value: object) -> str:
    """A before/after snapshot on one line: ``name: 张三明, id_number: …``; "—" for none."""
    if value is None or value == {}:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {'—' if v is None else v}" for k, v in value.items())
    return str(value)


def build(ui: Ui) -> ft.View:
    t = ui.t
    state = ui.state.console
    if (shut := gate(ui, state, ROUTE, t("console.audit.title"))) is not None:
        return shut
    id_number = text_field(t("console.audit.id_number"), "", "", lambda e: None)
    actor = text_field(t("console.audit.actor"), "", "", lambda e: None)
    date_from = text_field(t("console.audit.date_from"), t("console.audit.date_hint"), "", lambda e: None)
    date_to = text_field(t("console.audit.date_to"), t("console.audit.date_hint"), "", lambda e: None)
    chain = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    count = ft.Text("")
    events = ft.Column(spacing=4)
    message, message_row = error_line("console-audit-error")

    def render() -> None:
        message.value = state.message(t)
        page = state.audit
        if page is None:
            return
        if page.chain_ok:
            chain.value, chain.color = t("console.audit.chain_ok", count=page.chain_checked), OK
        else:
            chain.value, chain.color = t("console.audit.chain_bad", problem=page.chain_problem or "?"), ERROR
        count.value = t("console.audit.count", count=len(page.events))
        events.controls = [event_line(i, e) for i, e in enumerate(page.events)]

    def event_line(index: int, e) -> ft.Control:
        line = t(
            "console.audit.event",
            seq=e.seq,
            time=local_time(e.created_at).strftime("%Y-%m-%d %H:%M"),
            actor=e.actor,
            action=e.action,
            entity=f"{e.entity_type} {e.entity_id}",
        )
        rows: list[ft.Control] = [ft.Text(line, selectable=True)]
        if e.before or e.after:
            change = t("console.audit.change", before=snapshot(e.before), after=snapshot(e.after))
            rows.append(ft.Semantics(identifier=f"console-audit-change-{index}", content=ft.Text(change)))
        return ft.Column(rows, spacing=2)

    async def search() -> None:
        if any(f.value and not valid_date(f.value) for f in (date_from, date_to)):
            message.value = t("console.audit.date_invalid")
            ui.page.update()
            return
        await state.search_audit(
            id_number=id_number.value or "",
            actor=actor.value or "",
            date_from=date_from.value or "",
            date_to=date_to.value or "",
        )
        render()
        ui.page.update()

    render()
    if state.audit is None:
        ui.page.run_task(search)
    return screen(
        ui,
        ROUTE,
        t("console.audit.title"),
        [
            nav(ui, state),
            text.body(t("console.audit.intro")),
            tagged("console-audit-id-number", id_number),
            tagged("console-audit-actor", actor),
            ft.Row([tagged("console-audit-from", date_from), tagged("console-audit-to", date_to)], wrap=True),
            message_row,
            buttons.primary(t("console.audit.search"), "console-audit-search", search),
            ft.Semantics(identifier="console-audit-chain", live_region=True, content=chain),
            ft.Semantics(identifier="console-audit-count", content=count),
            events,
        ],
    )
