"""Status result: masked name and ID, one card per entitlement (state, dates, last certification), and the
home-visit request when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor
from app.common.components import buttons, text
from app.common.components.scaffold import screen
from app.common.components.theme import ACCENT, CARD, ERROR, OK
from app.common.dates import format_date
from app.common.nobreak import phrase
from shared.enums import CycleState, VisitState
from shared.reference import group
from shared.schemas import EntitlementStatus, PendingReviewPublic, VisitStatusPublic

if TYPE_CHECKING:
    from app.common.ui import Ui
    from shared.i18n import Translator

_GOOD = {CycleState.CERTIFIED}
_BAD = {CycleState.OVERDUE, CycleState.SUSPENDED, CycleState.STOPPED}
# States in which the person can put things right by certifying now (the "去认证" button).
CAN_CERTIFY = {CycleState.DUE, CycleState.OVERDUE, CycleState.SUSPENDED}


def entitlement_lines(item: EntitlementStatus, t: Translator) -> list[tuple[str, str]]:
    """(semantics identifier suffix, text) for one entitlement, in reading order; no UI involved."""
    lang = t.language
    lines = [("state", t("result.state", state=phrase(t(f"cycle.{item.state}"))))]
    lines.append(("payment", t("result.payment", payment=phrase(t(f"payment.{item.payment_state}")))))
    if item.last_certified_on and item.last_method:
        lines.append(
            (
                "last",
                t(
                    "result.last",
                    date=format_date(item.last_certified_on, lang),
                    method=phrase(t(f"method.{item.last_method}")),
                ),
            )
        )
    else:
        lines.append(("last", t("result.last_none")))
    if item.window_start and item.window_end:
        lines.append(
            (
                "window",
                t(
                    "result.window",
                    start=format_date(item.window_start, lang),
                    end=format_date(item.window_end, lang),
                ),
            )
        )
    if item.valid_until:
        lines.append(("valid-until", t("result.valid_until", date=format_date(item.valid_until, lang))))
    if item.next_due:
        lines.append(("next-due", t("result.next_due", date=format_date(item.next_due, lang))))
    return lines


def visit_line(visit: VisitStatusPublic, t: Translator) -> str:
    """The home-visit request in one sentence: asked for, arranged (date and worker), done, not reached."""
    lang = t.language
    if visit.state is VisitState.SCHEDULED and visit.scheduled_on is not None:
        return t(
            "result.visit.scheduled",
            date=format_date(visit.scheduled_on, lang),
            worker=visit.worker_name or "",
        )
    if visit.state in (VisitState.DONE, VisitState.COULD_NOT_REACH) and visit.closed_on is not None:
        return t(f"result.visit.{visit.state}", date=format_date(visit.closed_on, lang))
    return t("result.visit.requested", date=format_date(visit.requested_on, lang))


def review_lines(review: PendingReviewPublic, t: Translator) -> list[tuple[str, str]]:
    """A submission waiting for a reviewer: when it was sent, by when the answer comes, its reference."""
    lang = t.language
    lines = [("review", t("result.review", date=format_date(review.submitted_on, lang)))]
    if review.expected_by is not None:
        expected = format_date(review.expected_by, lang)
        lines.append(("review-expected", t("result.review.expected", date=expected)))
    if review.reference:
        lines.append(("review-reference", t("result.review.reference", reference=group(review.reference))))
    return lines


def needs_certifying(items: list[EntitlementStatus], review: PendingReviewPublic | None) -> bool:
    """Show "certify now" when an entitlement is due, overdue or suspended and nothing waits for review."""
    return review is None and any(item.state in CAN_CERTIFY for item in items)


def _card(item: EntitlementStatus, index: int, t: Translator) -> ft.Control:
    colour = OK if item.state in _GOOD else ERROR if item.state in _BAD else ACCENT
    icon = (
        ft.Icons.CHECK_CIRCLE
        if item.state in _GOOD
        else ft.Icons.WARNING
        if item.state in _BAD
        else ft.Icons.SCHEDULE
    )
    rows: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(icon, color=colour, size=40),
                text.subheading(t(f"benefit.{item.benefit_type}"), identifier=f"result-{index}-benefit"),
            ]
        ),
    ]
    rows += [
        text.body(line, identifier=f"result-{index}-{suffix}") for suffix, line in entitlement_lines(item, t)
    ]
    return ft.Container(
        content=ft.Column(rows, spacing=10),
        bgcolor=CARD,
        border=ft.Border.all(3, colour),
        border_radius=16,
        padding=20,
    )


def build(ui: Ui) -> ft.View:
    t = ui.t
    result = ui.state.lookup.result

    async def again() -> None:
        ui.state.lookup.reset()
        await ui.go("/status")

    async def home() -> None:
        await ui.go("/")

    async def certify() -> None:
        ui.state.certify.restart(CertifyFor.SELF)
        await ui.go("/certify/consent")

    if result is None:  # e.g. a reload of the result URL after the server restarted
        controls: list[ft.Control] = [text.body(t("status.intro"))]
    else:
        controls = [
            text.subheading(t("result.person", name=result.masked_name), identifier="result-name"),
            text.body(t("result.id", id_number=result.masked_id_number), identifier="result-id"),
            *(
                [_card(item, i, t) for i, item in enumerate(result.entitlements)]
                or [text.body(t("result.no_entitlements"), identifier="result-none")]
            ),
        ]
        if result.pending_review is not None:
            controls += [
                text.body(line, identifier=f"result-{suffix}")
                for suffix, line in review_lines(result.pending_review, t)
            ]
        if result.visit is not None:
            controls.append(text.body(visit_line(result.visit, t), identifier="result-visit"))
    show_certify = result is not None and needs_certifying(result.entitlements, result.pending_review)
    controls += [
        *([buttons.secondary(t("result.again"), "result-again", again)] if show_certify else []),
        buttons.secondary(t("common.home"), "result-home", home, icon=ft.Icons.HOME),
    ]
    # the main action: the way back from "due", "overdue" or "suspended", else another lookup
    main = (
        buttons.primary(t("result.certify"), "result-certify", certify)
        if show_certify
        else buttons.primary(t("result.again"), "result-again", again)
    )
    return screen(ui, "/status/result", t("result.title"), controls, back_to="/status", actions=[main])
