"""One review item with its evidence in view (part of the ``/review`` screen while an item is open).

Who did what before (the item's history, China time), each evidence file — a photo is shown inline once
opened, a video or PDF is downloaded to be viewed; either way the API records the opening — and the
decision: a reason, "approve" disabled until every file is opened by this reviewer (and never for someone
who took part in the case), "reject". The API checks again and its refusal is shown from the catalogs.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, text
from app.common.components.fields import tagged, text_field
from app.common.components.messages import MessageLine
from app.common.components.theme import ACCENT, CARD, ERROR, INK, MUTED_INK, OK
from app.common.dates import format_date
from app.staff.case_client import CaseClient
from app.staff.components.attestation_card import level_label
from app.staff.console_state import MIN_REASON, ConsoleState
from shared.cycle import local_date, local_time
from shared.enums import ReferenceStatus
from shared.i18n import Translator
from shared.schemas import CaseEvent, EvidencePublic, ReferenceHistoryEntry, StaffRef

if TYPE_CHECKING:
    from app.common.ui import Ui

PHOTO_HEIGHT = 320
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf", "video/mp4": "mp4"}


def console_error(t: Translator, state: ConsoleState) -> str:
    """The console's last error in the staff member's language (the server's sentence as a last resort)."""
    if state.error_key:
        return t(state.error_key)
    return state.message(t)


def who(t: Translator, event: CaseEvent) -> str:
    if event.staff is not None:
        if event.staff.region_code:
            return t("review.case.who.region", name=event.staff.name, region=event.staff.region_code)
        return event.staff.name
    if event.actor == "self":
        return t("review.case.who.self")
    return t("review.case.who.helper") if event.actor.startswith("helper:") else t("review.case.who.system")


def event_line(t: Translator, event: CaseEvent, numbers: dict[int, int]) -> str:
    n = numbers.get(event.evidence_id or 0, event.evidence_id)
    action = {
        "uploaded": lambda: t("review.case.action.uploaded", n=n),
        "viewed": lambda: t("review.case.action.viewed", n=n),
        "signed": lambda: t("review.case.action.signed", level=level_label(t, event.level)),
    }.get(event.action, lambda: t(f"review.case.action.{event.action}"))()
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    return t(
        "review.case.event",
        time=local_time(at).strftime("%Y-%m-%d %H:%M"),
        who=who(t, event),
        action=action,
    )


def reference_line(t: Translator, ref: ReferenceHistoryEntry) -> str:
    """One reference face of the person: where it came from, who added it and checked the ID document, and
    how (whether) it was confirmed — the reference-face rule, shown to the reviewer."""

    def name(staff: StaffRef | None) -> str:
        return staff.name if staff is not None else t("review.case.reference.nobody")

    if ref.status is ReferenceStatus.AWAITING_CONFIRMATION:
        status = t("review.case.reference.awaiting")
    elif ref.confirmation is not None:
        status = t(f"review.case.reference.{ref.confirmation}", who=name(ref.confirmed_by))
        if ref.status is ReferenceStatus.RETIRED:
            status += "; " + t("review.case.reference.retired")
    else:
        status = t(f"review.case.reference.{ref.status}")
    at = ref.added_at if ref.added_at.tzinfo is not None else ref.added_at.replace(tzinfo=UTC)
    return t(
        "review.case.reference",
        time=local_time(at).strftime("%Y-%m-%d %H:%M"),
        source=t(f"review.case.reference.source.{ref.source}"),
        who=name(ref.added_by),
        checker=name(ref.id_checked_by),
        status=status,
    )


def controls(ui: Ui) -> list[ft.Control]:
    t = ui.t
    state = ui.state.console
    case = state.case
    cases = CaseClient(state.client)
    picker = ft.FilePicker()  # saves a downloaded video or PDF on the device
    downloaded: set[int] = set()
    stretch = ft.CrossAxisAlignment.STRETCH
    head = ft.Column(spacing=8, horizontal_alignment=stretch)
    history = ft.Column(spacing=4, horizontal_alignment=stretch)
    references = ft.Column(spacing=4, horizontal_alignment=stretch)
    files = ft.Column(spacing=16, horizontal_alignment=stretch)
    evidence_title = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
    decision = ft.Column(spacing=12, horizontal_alignment=stretch)
    message = MessageLine(identifier="console-review-error")
    reason = text_field(
        t("console.review.reason"), t("console.review.reason_hint"), "", lambda e: None, max_length=500
    )
    reason.multiline, reason.min_lines, reason.max_lines = True, 2, 5

    def render() -> None:
        item = case.item
        if item is None:
            return
        numbers = {e.evidence_id: i for i, e in enumerate(item.evidence, start=1)}
        head.controls = [
            ft.Semantics(
                identifier="console-review-case",
                content=ft.Text(
                    t(
                        "console.review.item",
                        kind=t(f"console.kind.{item.kind}"),
                        name=item.holder_name,
                        id=item.holder_id,
                    ),
                    theme_style=ft.TextThemeStyle.TITLE_LARGE,
                    color=INK,
                ),
            ),
            ft.Text(t(f"method.{item.method.value}"), color=INK),
            ft.Text(
                t("console.review.submitted", date=format_date(local_date(item.submitted_at), t.language)),
                color=MUTED_INK,
            ),
            *(
                [ft.Text(t("review.case.note", note=item.note), color=INK, selectable=True)]
                if item.note
                else []
            ),
        ]
        history.controls = [
            ft.Semantics(
                identifier=f"console-history-{i}", content=ft.Text(event_line(t, e, numbers), color=INK)
            )
            for i, e in enumerate(item.history)
        ]
        references.controls = [
            ft.Semantics(
                identifier=f"console-reference-{i}",
                content=ft.Text(reference_line(t, r), color=INK, selectable=True),
            )
            for i, r in enumerate(item.references)
        ] or [text.body(t("review.case.references.none"), muted=True)]
        opened = sum(1 for e in item.evidence if e.opened_by_me)
        evidence_title.value = (
            t("review.case.evidence", opened=opened, total=len(item.evidence))
            if item.evidence
            else t("attest.evidence")
        )
        files.controls = [file_card(n, e) for n, e in enumerate(item.evidence, start=1)] or [
            text.body(t("review.case.evidence.none"), muted=True)
        ]
        hint = case.approve_hint_key()
        decision.controls = (
            [
                tagged("console-review-reason", reason),
                *(
                    [
                        ft.Semantics(
                            identifier="console-approve-hint",
                            live_region=True,
                            content=ft.Text(t(hint), color=ERROR),
                        )
                    ]
                    if hint
                    else []
                ),
                buttons.primary(
                    t("console.review.approve"),
                    "console-approve",
                    decide(True),
                    disabled=not case.can_approve,
                ),
                buttons.secondary(t("console.review.reject"), "console-reject", decide(False)),
            ]
            if case.pending
            else []
        )
        message.show(case.message(t) or console_error(t, state))

    def file_card(n: int, e: EvidencePublic) -> ft.Control:
        kind = t(f"review.case.kind.{e.kind}")
        status = t("review.case.opened") if e.opened_by_me else t("review.case.unopened")
        rows: list[ft.Control] = [
            ft.Row(
                [
                    ft.Icon(
                        ft.Icons.CHECK_CIRCLE if e.opened_by_me else ft.Icons.RADIO_BUTTON_UNCHECKED,
                        color=OK if e.opened_by_me else ACCENT,
                        size=30,
                    ),
                    ft.Text(
                        t("review.case.file", n=n, kind=kind, size=max(1, round(e.size_bytes / 1024))),
                        theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                        color=INK,
                        expand=True,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            ft.Semantics(
                identifier=f"console-evidence-status-{n}",
                content=ft.Text(status, color=OK if e.opened_by_me else ACCENT, weight=ft.FontWeight.W_600),
            ),
        ]
        if e.taken_on is not None:
            taken = format_date(e.taken_on, t.language)
            rows.append(ft.Text(t("review.case.file.taken", date=taken), color=INK))
        rows.append(
            ft.Text(
                t(
                    "review.case.file.by",
                    name=e.uploaded_by.name if e.uploaded_by is not None else t("review.case.who.self"),
                ),
                color=MUTED_INK,
            )
        )
        data = case.contents.get(e.evidence_id)
        if e.purged:
            rows.append(text.body(t("review.case.purged"), muted=True))
        elif e.content_type.startswith("image/") and data is not None:
            rows.append(
                ft.Semantics(
                    identifier=f"console-evidence-photo-{n}",
                    image=True,
                    content=ft.Image(
                        src=data,
                        height=PHOTO_HEIGHT,
                        fit=ft.BoxFit.CONTAIN,
                        semantics_label=kind,
                        border_radius=8,
                    ),
                )
            )
        elif e.content_type.startswith("image/"):
            rows.append(buttons.primary(t("review.case.show_photo"), f"console-evidence-open-{n}", show(e)))
        else:
            rows.append(
                buttons.secondary(
                    t("review.case.download"),
                    f"console-evidence-open-{n}",
                    download(n, e),
                    icon=ft.Icons.DOWNLOAD,
                )
            )
            if e.evidence_id in downloaded:
                rows.append(ft.Text(t("review.case.downloaded", name=file_name(n, e)), color=OK))
        return ft.Semantics(
            identifier=f"console-evidence-{n}",
            content=ft.Container(
                bgcolor=CARD,
                border_radius=12,
                padding=16,
                content=ft.Column(rows, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            ),
        )

    def file_name(n: int, e: EvidencePublic) -> str:
        return f"{case.item.review_id}-{n}.{EXTENSIONS.get(e.content_type, 'bin')}"

    def show(e: EvidencePublic):
        async def handler() -> None:
            await case.open_evidence(cases, e.evidence_id)
            render()
            ui.page.update()

        return handler

    def download(n: int, e: EvidencePublic):
        async def handler() -> None:
            data = await case.open_evidence(cases, e.evidence_id)
            if data is not None:
                try:
                    await picker.save_file(file_name=file_name(n, e), src_bytes=data)
                    downloaded.add(e.evidence_id)
                except (ValueError, RuntimeError, TimeoutError):
                    pass  # opened (and recorded) all the same; the device offered no place to save it
            render()
            ui.page.update()

        return handler

    def decide(approve: bool):
        async def handler() -> None:
            item = case.item
            if item is None:
                return
            if len((reason.value or "").strip()) < MIN_REASON:
                message.show(t("console.review.reason_required"))
                ui.page.update()
                return
            if await state.decide(item.review_id, approve=approve, reason=reason.value or ""):
                case.close()
                ui.refresh()
            else:
                error, error_key = state.error, state.error_key
                await case.load(cases, item.review_id)  # what changed meanwhile (another decision, a file)
                state.error, state.error_key = error, error_key
                render()
            ui.page.update()

        return handler

    async def back() -> None:
        case.close()
        ui.refresh()
        ui.page.update()

    render()
    return [
        head,
        text.subheading(t("review.case.history")),
        history,
        text.subheading(t("review.case.references")),
        references,
        ft.Semantics(identifier="console-evidence-title", content=evidence_title),
        files,
        decision,
        message.control,
        buttons.secondary(t("review.case.back"), "console-review-back", back, icon=ft.Icons.ARROW_BACK),
    ]
