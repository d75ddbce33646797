"""Propose a change of a person's record (from the person screen): the record as it is (bank account
masked), the field to change, the new value, the reason and where the evidence is; then the proposal
waits for another staff member. Below, every earlier proposal about the person with its outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD, OK
from app.staff.components.console_nav import error_line, gate
from app.staff.record_change_state import STATUS_VALUES, cents_to_yuan, shown_value
from shared.enums import BenefitType
from shared.record_changes import ChangeField

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/worklist/person/change"
CHOICE_FIELDS = (ChangeField.BENEFIT_TYPE, ChangeField.STATUS)


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    title = t("change.title")
    if (shut := gate(ui, console, ROUTE, title)) is not None:
        return shut
    desk = console.changes
    if console.visit is not None:
        desk.for_person(console.visit.entry.person_id)
    record_box = ft.Column(spacing=6)
    fields_row = ft.Row(wrap=True, spacing=8, run_spacing=8)
    ents_row = ft.Row(wrap=True, spacing=8, run_spacing=8)
    choices_row = ft.Row(wrap=True, spacing=8, run_spacing=8)
    history = ft.Column(spacing=8)
    chosen = {"value": ""}
    value = text_field(t("change.value"), "", "", lambda e: None)
    month = text_field(t("change.from_month"), t("console.cycle.month_hint"), "", lambda e: None)
    reason = text_field(t("change.reason"), t("change.reason_hint"), "", lambda e: None)
    evidence = text_field(t("change.evidence"), t("change.evidence_hint"), "", lambda e: None)
    value_row, month_row = tagged("change-value", value), tagged("change-from-month", month)
    done = ft.Text("", color=OK)
    message, message_row = error_line("change-error")

    def pick_field(kind: ChangeField):
        def handler() -> None:
            desk.kind, chosen["value"] = kind, ""
            render()

        return handler

    def pick_entitlement(ent_id: int):
        def handler() -> None:
            desk.entitlement_id = ent_id
            render()

        return handler

    def pick_value(choice: str):
        def handler() -> None:
            chosen["value"] = choice
            render()

        return handler

    def render() -> None:
        record = desk.record
        record_box.controls = []
        if record is not None:
            lines = [
                t("change.now.name", name=record.name),
                t("change.now.id_number", id=record.id_number),
                t("change.now.bank_account", account=record.bank_account_masked or "—"),
                *(
                    t(
                        "change.now.entitlement",
                        benefit=t(f"benefit.{e.benefit_type}"),
                        amount=cents_to_yuan(e.monthly_cents),
                        status=t(f"payment.{e.payment_state}"),
                    )
                    for e in record.entitlements
                ),
            ]
            record_box.controls = [
                ft.Semantics(
                    identifier="change-record", content=ft.Column([ft.Text(x) for x in lines], spacing=4)
                )
            ]
        fields_row.controls = [
            buttons.chip(
                t(f"change.field.{k.value}"), f"change-field-{k.value}", desk.kind is k, pick_field(k)
            )
            for k in ChangeField
        ]
        kind = desk.kind
        entitlements = record.entitlements if record else []
        ents_row.visible = kind is not None and kind.of_entitlement
        ents_row.controls = [
            buttons.chip(
                t(f"benefit.{e.benefit_type}"),
                f"change-ent-{i}",
                desk.entitlement_id == e.id,
                pick_entitlement(e.id),
            )
            for i, e in enumerate(entitlements)
        ]
        options: tuple[str, ...] = ()
        if kind is ChangeField.BENEFIT_TYPE:
            options = tuple(b.value for b in BenefitType)
        elif kind is ChangeField.STATUS:
            options = STATUS_VALUES
        choices_row.visible = bool(options)
        choices_row.controls = [
            buttons.chip(shown_value(t, kind, o), f"change-choice-{o}", chosen["value"] == o, pick_value(o))
            for o in options
            if kind is not None
        ]
        value_row.visible = kind is not None and kind not in CHOICE_FIELDS
        value.label = t("change.value.amount") if kind is ChangeField.MONTHLY_AMOUNT else t("change.value")
        month_row.visible = kind is ChangeField.STATUS and chosen["value"] in ("suspended", "stopped")
        last = desk.last_proposed
        done.value = (
            t(
                "change.proposed",
                field=t(f"change.field.{last.field.value}"),
                before=shown_value(t, last.field, last.before),
                after=shown_value(t, last.field, last.after),
            )
            if last
            else ""
        )
        message.value = desk.message(t)
        history.controls = [
            ft.Text(
                t(
                    "change.history.item",
                    field=t(f"change.field.{c.field.value}"),
                    before=shown_value(t, c.field, c.before),
                    after=shown_value(t, c.field, c.after),
                    status=t(f"change.status.{c.status.value}"),
                    who=c.proposed_by_name,
                )
            )
            for c in (record.changes if record else [])
        ]

    async def load() -> None:
        await desk.load_record(console.client)
        render()
        ui.page.update()

    async def send() -> None:
        kind = desk.kind
        text_value = chosen["value"] if kind in CHOICE_FIELDS else (value.value or "")
        ok = await desk.propose(
            console.client,
            value=text_value,
            reason=reason.value or "",
            evidence=evidence.value or "",
            from_month=month.value or "",
        )
        if ok:
            value.value = reason.value = evidence.value = month.value = ""
        render()
        ui.page.update()

    render()
    if ui.page is not None and desk.person_id is not None and desk.record is None:
        ui.page.run_task(load)
    controls: list[ft.Control] = [
        text.body(t("change.intro")),
        ft.Container(content=record_box, bgcolor=CARD, border_radius=16, padding=16),
        text.subheading(t("change.which")),
        fields_row,
        ents_row,
        choices_row,
        value_row,
        month_row,
        tagged("change-reason", reason),
        tagged("change-evidence", evidence),
        message_row,
        buttons.primary(t("change.send"), "change-send", send),
        ft.Semantics(identifier="change-done", live_region=True, content=done),
        text.subheading(t("change.history")),
        ft.Semantics(identifier="change-history", content=history),
    ]
    return screen(ui, ROUTE, title, controls, back_to="/worklist/person")
