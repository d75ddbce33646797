"""A person of the work list as a large card: full name and ID number, village, days left / overdue /
suspended, special-group badges, a missing or outdated reference face, and the open visit request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.common.components.theme import ACCENT, CARD, ERROR, INK, MUTED_INK, SURFACE
from app.common.dates import format_date
from app.staff.worklist_state import deadline_line, reference_line, village_of
from shared.cycle import local_date
from shared.enums import CycleState, VisitState
from shared.i18n import Translator
from shared.worklist_schemas import OpenVisit, VisitRequestPublic, WorklistEntry

URGENT = (CycleState.SUSPENDED, CycleState.OVERDUE)


def badge(label: str, colour: str = ACCENT) -> ft.Control:
    return ft.Container(
        content=ft.Text(label, color=SURFACE, weight=ft.FontWeight.W_600),
        bgcolor=colour,
        border_radius=8,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
    )


def visit_text(t: Translator, visit: OpenVisit | VisitRequestPublic) -> str:
    """The visit request in one line: its state, and the date and worker once scheduled."""
    lang = t.language
    state = t(f"visit.state.{visit.state}")
    if visit.state is VisitState.SCHEDULED and visit.scheduled_on is not None:
        return t(
            "worklist.visit.scheduled",
            state=state,
            date=format_date(visit.scheduled_on, lang),
            worker=visit.worker_name or "",
        )
    return t(
        "worklist.visit.line",
        state=state,
        reason=t(f"visit.reason.{visit.reason}"),
        date=format_date(local_date(visit.requested_at), lang),
    )


def person_lines(
    t: Translator, entry: WorklistEntry, identifier: str, visit: OpenVisit | VisitRequestPublic | None = None
) -> list[ft.Control]:
    """The card's rows (also the head of the person screen); ``visit`` overrides the entry's own."""
    key, fields = deadline_line(entry)
    urgent = entry.state in URGENT
    rows: list[ft.Control] = [
        ft.Semantics(
            identifier=f"{identifier}-name",
            content=ft.Text(
                t("worklist.person", name=entry.name, age=entry.age),
                theme_style=ft.TextThemeStyle.TITLE_LARGE,
                color=INK,
            ),
        ),
        ft.Text(t("worklist.id_number", id_number=entry.id_number), color=INK),
        ft.Text(t("worklist.village", village=village_of(entry)), color=MUTED_INK),
        ft.Semantics(
            identifier=f"{identifier}-deadline",
            content=ft.Row(
                [
                    ft.Icon(
                        ft.Icons.WARNING if urgent else ft.Icons.SCHEDULE,
                        color=ERROR if urgent else ACCENT,
                        size=28,
                    ),
                    ft.Text(
                        t(key, **fields),
                        color=ERROR if urgent else INK,
                        weight=ft.FontWeight.W_600,
                        expand=True,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ),
    ]
    if entry.special_groups:
        rows.append(
            ft.Semantics(
                identifier=f"{identifier}-groups",
                content=ft.Row(
                    [badge(t(f"special.{g}")) for g in entry.special_groups],
                    wrap=True,
                    spacing=8,
                    run_spacing=8,
                ),
            )
        )
    if (ref_key := reference_line(entry)) is not None:
        rows.append(
            ft.Semantics(
                identifier=f"{identifier}-reference",
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.NO_PHOTOGRAPHY, color=ERROR, size=28),
                        ft.Text(t(ref_key), color=ERROR, expand=True),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
            )
        )
    visit = visit or entry.visit
    if visit is not None:
        rows.append(
            ft.Semantics(
                identifier=f"{identifier}-visit",
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.HOME_WORK, color=ACCENT, size=28),
                        ft.Text(visit_text(t, visit), expand=True),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
            )
        )
    return rows


def person_card(
    t: Translator,
    entry: WorklistEntry,
    identifier: str,
    on_click: Callable[..., Any] | None = None,
    visit: OpenVisit | VisitRequestPublic | None = None,
) -> ft.Control:
    """The whole card is one tap target when ``on_click`` is given (it opens the person screen)."""
    urgent = entry.state in URGENT
    body = ft.Row(
        [ft.Column(person_lines(t, entry, identifier, visit), spacing=8, expand=True)]
        + ([ft.Icon(ft.Icons.CHEVRON_RIGHT, size=40, color=ACCENT)] if on_click else []),
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
    card = ft.Container(
        content=body,
        bgcolor=CARD,
        border=ft.Border.all(3 if urgent else 2, ERROR if urgent else ACCENT),
        border_radius=16,
        padding=ft.Padding.symmetric(horizontal=18, vertical=16),
        on_click=on_click,
        ink=on_click is not None,
    )
    return ft.Semantics(identifier=identifier, button=on_click is not None, content=card)
