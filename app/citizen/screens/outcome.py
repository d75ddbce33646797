"""The result of a face certification: passed (receipt + QR), needs review, or failed (reason, what next)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import DocumentUpload
from app.citizen.visit_request import VisitRequestForm
from app.common.components import buttons, text
from app.common.components.receipt import receipt_card
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR, OK
from app.common.identity import IdentityForm
from shared.enums import CertificationResult, VisitRequestReason
from shared.i18n import Translator
from shared.i18n.errors import reason_key
from shared.reference import group

if TYPE_CHECKING:
    from app.common.ui import Ui


def reason_text(reason: str, t: Translator) -> str:
    """Our translation of a face-check reason code (a general one for codes this app does not know yet:
    the server's English sentence is never shown)."""
    return t(reason_key(reason))


def build(ui: Ui) -> ft.View:
    t = ui.t
    certify = ui.state.certify
    flow = certify.capture
    result = flow.result if flow is not None else None

    async def home() -> None:
        await ui.go("/")

    async def again() -> None:
        await ui.go("/certify/camera")

    async def evidence() -> None:
        upload = DocumentUpload(overseas=False)
        upload.form.id_text, upload.form.name = certify.identity.id_text, certify.identity.name
        ui.state.documents = upload
        await ui.go("/documents")

    async def alternatives() -> None:
        await ui.go("/certify/alternatives")

    async def request_visit() -> None:
        reason = VisitRequestReason.FACE_CHECK_FAILED
        if certify.binding_id is not None:  # a helper's bound relative
            name = next((r.name for r in ui.state.helper.relatives if r.binding_id == certify.binding_id), "")
            form = VisitRequestForm.for_relative(certify.binding_id, name)
            form.reason = reason
        elif certify.bind_request is not None:  # a relative being added
            typed = IdentityForm(id_text=certify.bind_request.id_number, name=certify.bind_request.name)
            form = VisitRequestForm.for_person(typed, reason)
        else:
            form = VisitRequestForm.for_person(certify.identity, reason)
        ui.state.visit_request = form
        await ui.go("/visit-request")

    async def family() -> None:
        ui.state.helper.relatives = await ui.api.relatives()
        await ui.go("/family/relatives")

    controls: list[ft.Control] = []
    if result is not None and result.binding_id is not None:  # a relative was added (not certified)
        controls += [
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                    text.heading(t("outcome.bound.title"), identifier="outcome-title"),
                ]
            ),
            text.body(t("outcome.bound.body")),
            buttons.primary(t("outcome.bound.next"), "outcome-family", family),
        ]
    elif result is None:
        controls.append(text.body(t("camera.not_submitted"), identifier="outcome-none"))
    elif result.result is CertificationResult.PASSED:
        controls += [
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK, size=56),
                    text.heading(t("outcome.passed.title"), identifier="outcome-title"),
                ]
            ),
            text.body(t("outcome.passed.body")),
        ]
        if result.receipt is not None:
            qr = flow.receipt_qr_png if flow is not None else None
            controls.append(receipt_card(t, result.receipt, qr))
    elif result.result is CertificationResult.NEEDS_REVIEW:
        controls += [
            text.heading(t("outcome.needs_review.title"), identifier="outcome-title"),
            text.body(t("outcome.needs_review.body")),
            *(
                [
                    text.body(
                        t("result.review.reference", reference=group(result.review_reference)),
                        identifier="outcome-reference",
                    )
                ]
                if result.review_reference
                else []
            ),
        ]
    elif result.result is CertificationResult.RETRY:  # too few usable pictures: not counted as a failure
        controls += [
            text.heading(t("outcome.retry.title"), identifier="outcome-title"),
            text.body(reason_text(result.reason, t), identifier="outcome-reason"),
            buttons.primary(t("common.retry"), "outcome-retry", again),
        ]
    else:
        controls += [
            ft.Row(
                [
                    ft.Icon(ft.Icons.ERROR, color=ERROR, size=56),
                    text.heading(t("outcome.failed.title"), identifier="outcome-title"),
                ]
            ),
            text.body(t("outcome.reason", reason=reason_text(result.reason, t)), identifier="outcome-reason"),
        ]
        if certify.too_many_failures or result.manual_review is not None:
            controls.append(text.body(t("outcome.too_many"), identifier="outcome-too-many"))
            if result.manual_review is not None:
                # the offer's English sentences are for other clients: the catalogs say the same
                controls += [
                    text.body(t(f"manual.{part}"), identifier=f"outcome-manual-{part}")
                    for part in ("message", "evidence", "assisted", "onsite")
                ]
        else:
            controls.append(buttons.primary(t("common.retry"), "outcome-retry", again))
        if certify.too_many_failures or result.manual_review is not None:
            controls.append(buttons.primary(t("outcome.evidence"), "outcome-evidence", evidence))
            controls.append(buttons.primary(t("alt.request_visit"), "outcome-request-visit", request_visit))
        controls.append(buttons.secondary(t("camera.alternatives"), "outcome-alternatives", alternatives))
    controls.append(buttons.secondary(t("common.home"), "outcome-home", home, icon=ft.Icons.HOME))
    return screen(ui, "/certify/result", t("app.title"), controls, back_to="/")
