"""An attestation as staff see it: whose (masked), why, the neighbour who vouches, who opened it, each level
signed so far (by whom, when), the level that signs next, the evidence sent and the status."""

from __future__ import annotations

import flet as ft

from app.common.components.theme import ACCENT, CARD, INK, MUTED_INK, OK
from app.common.dates import format_date
from shared.cycle import local_date
from shared.i18n import Translator
from shared.schemas import AttestationPublic


def level_label(t: Translator, level: str | None) -> str:
    return t(f"attest.level.{level}") if level else ""


def attestation_lines(t: Translator, att: AttestationPublic, identifier: str) -> list[ft.Control]:
    lang = t.language
    rows: list[ft.Control] = [
        ft.Semantics(
            identifier=f"{identifier}-title",
            content=ft.Text(
                t("attest.card.title", id=att.attestation_id, name=att.holder_name, id_number=att.holder_id),
                theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                color=INK,
            ),
        ),
        ft.Text(t("attest.card.reason", reason=att.reason), color=INK),
    ]
    if att.witness_name:
        rows.append(ft.Text(t("attest.card.witness", name=att.witness_name), color=INK))
    if att.opened_by is not None and att.opened_at is not None:
        rows.append(
            ft.Text(
                t(
                    "attest.card.opened",
                    date=format_date(local_date(att.opened_at), lang),
                    name=att.opened_by.name,
                ),
                color=MUTED_INK,
            )
        )
    for s in att.signoffs:
        rows.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=26),
                    ft.Text(
                        t(
                            "attest.card.signed",
                            level=level_label(t, s.level),
                            name=s.signer.name,
                            date=format_date(s.signed_on, lang),
                        ),
                        color=INK,
                        expand=True,
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        )
    if att.next_signoff:
        rows.append(
            ft.Semantics(
                identifier=f"{identifier}-next",
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.DRAW, color=ACCENT, size=26),
                        ft.Text(
                            t("attest.card.next", level=level_label(t, att.next_signoff)),
                            color=ACCENT,
                            weight=ft.FontWeight.W_600,
                            expand=True,
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
            )
        )
    rows.append(
        ft.Semantics(
            identifier=f"{identifier}-evidence",
            content=ft.Text(t("attest.card.evidence", count=len(att.evidence)), color=INK),
        )
    )
    rows.append(
        ft.Semantics(
            identifier=f"{identifier}-status",
            content=ft.Text(
                t("attest.card.status", status=t(f"attest.status.{att.status}")),
                color=INK,
                weight=ft.FontWeight.W_600,
            ),
        )
    )
    return rows


def attestation_card(
    t: Translator, att: AttestationPublic, identifier: str, actions: list[ft.Control] | None = None
) -> ft.Control:
    return ft.Container(
        bgcolor=CARD,
        border=ft.Border.all(2, ACCENT),
        border_radius=16,
        padding=ft.Padding.symmetric(horizontal=18, vertical=16),
        content=ft.Column([*attestation_lines(t, att, identifier), *(actions or [])], spacing=8),
    )
