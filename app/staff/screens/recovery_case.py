"""One recovery case: what was overpaid, what came back and what is still owed; the next steps allowed
(with the day, a note and document references) and a repayment; below, its history and ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.scaffold import screen
from app.common.components.theme import CARD
from app.staff.components.console_nav import error_line, gate, nav
from shared.recovery import Agreement, RecoveryState, RepaymentKind, yuan

if TYPE_CHECKING:
    from app.common.ui import Ui

ROUTE = "/recovery/case"
LIST_ROUTE = "/recovery"


def build(ui: Ui) -> ft.View:
    t = ui.t
    console = ui.state.console
    if (shut := gate(ui, console, ROUTE, t("recovery.title"))) is not None:
        return shut
    desk = console.recovery
    if desk.current is None:
        return screen(
            ui,
            ROUTE,
            t("recovery.title"),
            [nav(ui, console), text.body(t("recovery.error.no_case"), identifier="recovery-no-case")],
            back_to=LIST_ROUTE,
        )

    def keep(attr: str):
        def handler(e: ft.Event[ft.TextField]) -> None:
            setattr(desk, attr, e.control.value or "")

        return handler

    summary = ft.Column(spacing=6)
    steps = ft.Column(spacing=8)
    pays = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    history = ft.Column(spacing=6)
    ledger = ft.Column(spacing=6)
    message, message_row = error_line("recovery-error")
    note = text_field(t("recovery.note"), t("recovery.note_hint"), desk.note, keep("note"), max_length=500)
    documents = text_field(
        t("recovery.documents"), t("recovery.documents_hint"), desk.documents, keep("documents")
    )
    day = text_field(t("recovery.date"), t("recovery.date_hint"), desk.on, keep("on"))
    amount = text_field(
        t("recovery.amount"),
        t("recovery.amount_hint"),
        desk.amount,
        keep("amount"),
        keyboard=ft.KeyboardType.NUMBER,
    )

    def render() -> None:
        case = desk.current
        assert case is not None
        agreement = (
            t(f"recovery.agreement.{case.agreement}") if case.agreement else t("recovery.agreement.none")
        )
        summary.controls = [
            text.subheading(
                t("recovery.case.title", id=case.id, name=case.holder_name, person=case.holder_id)
            ),
            ft.Text(
                t(
                    "recovery.case.months",
                    death=case.death_date.isoformat(),
                    first=case.first_month,
                    last=case.last_month,
                    months=case.months,
                )
            ),
            ft.Text(t("recovery.case.amount", amount=yuan(case.amount_cents))),
            ft.Text(t("recovery.case.repaid", repaid=yuan(case.repaid_cents))),
            ft.Semantics(
                identifier="recovery-outstanding",
                live_region=True,
                content=ft.Text(
                    t("recovery.case.outstanding", outstanding=yuan(case.outstanding_cents)),
                    theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                ),
            ),
            ft.Semantics(
                identifier="recovery-state",
                live_region=True,
                content=ft.Text(t("recovery.case.state", state=t(f"recovery.state.{case.state}"))),
            ),
            ft.Text(t("recovery.case.agreement", agreement=agreement)),
            ft.Text(t("recovery.case.credit_listed" if case.credit_listed else "recovery.case.not_listed")),
        ]
        choices: list[ft.Control] = []
        for target in case.next_steps:
            if target == RecoveryState.AGREED.value:
                choices += [
                    buttons.secondary(
                        t(f"recovery.step.agreed.{a.value}"),
                        f"recovery-step-agreed-{a.value}",
                        move(target, a),
                    )
                    for a in Agreement
                ]
            else:
                choices.append(
                    buttons.secondary(t(f"recovery.step.{target}"), f"recovery-step-{target}", move(target))
                )
        steps.controls = choices or [text.body(t("recovery.steps.none"), muted=True)]
        pays.visible = case.takes_repayments
        pays.controls = [
            text.subheading(t("recovery.pay.heading")),
            tagged("recovery-amount", amount),
            ft.Row(
                [
                    buttons.compact(t(f"recovery.pay.{k.value}"), f"recovery-pay-{k.value}", pay(k))
                    for k in RepaymentKind
                ],
                wrap=True,
                spacing=8,
                run_spacing=8,
            ),
        ]
        history.controls = [
            ft.Semantics(
                identifier=f"recovery-history-{i}",
                content=ft.Text(
                    t(
                        "recovery.history.item",
                        date=s.on.isoformat(),
                        state=t(f"recovery.state.{s.to_state}"),
                        staff=s.staff_name or s.staff_id or "",
                        note=s.note,
                    )
                    + (
                        t("recovery.history.documents", documents="；".join(s.documents))
                        if s.documents
                        else ""
                    )
                ),
            )
            for i, s in enumerate(case.steps)
        ] or [text.body(t("recovery.history.none"), muted=True)]
        ledger.controls = [
            ft.Semantics(
                identifier=f"recovery-ledger-{i}",
                content=ft.Text(
                    t(
                        "recovery.ledger.item",
                        date=e.on.isoformat(),
                        amount=yuan(e.amount_cents),
                        kind=t(f"recovery.pay.{e.kind}"),
                        staff=e.staff_name or e.staff_id or "",
                    )
                ),
            )
            for i, e in enumerate(case.repayments)
        ] or [text.body(t("recovery.ledger.none"), muted=True)]
        message.value = desk.message(t)
        message_row.visible = bool(message.value)
        note.value, documents.value, day.value, amount.value = desk.note, desk.documents, desk.on, desk.amount

    def move(target: str, agreement: Agreement | None = None):
        async def handler() -> None:
            await desk.move(console.client, RecoveryState(target), agreement)
            render()
            ui.page.update()

        return handler

    def pay(kind: RepaymentKind):
        async def handler() -> None:
            await desk.pay(console.client, kind)
            render()
            ui.page.update()

        return handler

    def section(title: str, body: ft.Control) -> ft.Control:
        return ft.Container(
            bgcolor=CARD,
            border_radius=12,
            padding=16,
            content=ft.Column([text.subheading(title), body], spacing=8),
        )

    render()
    return screen(
        ui,
        ROUTE,
        t("recovery.title"),
        [
            nav(ui, console),
            summary,
            message_row,
            text.subheading(t("recovery.step.heading")),
            text.body(t("recovery.step.intro"), muted=True),
            tagged("recovery-note", note),
            tagged("recovery-documents", documents),
            tagged("recovery-date", day),
            steps,
            pays,
            section(t("recovery.history.heading"), history),
            section(t("recovery.ledger.heading"), ledger),
        ],
        back_to=LIST_ROUTE,
    )
