"""One module per screen; each exposes ``build(ui) -> ft.View``. ``ROUTES`` maps paths to them."""

from __future__ import annotations

from app.citizen.screens import (
    abroad,
    alternatives,
    camera,
    consent,
    documents,
    family_bind,
    family_login,
    family_register,
    family_relatives,
    home,
    identity,
    outcome,
    receipts,
    status,
    status_result,
    tipoff,
    tipoff_lookup,
    visit_request,
)
from app.common.screens import settings
from app.common.ui import ScreenBuilder

ROUTES: dict[str, ScreenBuilder] = {
    "/": home.build,
    "/status": status.build,
    "/status/result": status_result.build,
    "/settings": settings.build,
    "/certify/consent": consent.build,
    "/certify/alternatives": alternatives.build,
    "/certify/identity": identity.build,
    "/certify/camera": camera.build,
    "/certify/result": outcome.build,
    "/receipts": receipts.build,
    "/receipts/qr": receipts.build_qr,
    "/abroad": abroad.build,
    "/documents": documents.build,
    "/family": family_login.build,
    "/family/register": family_register.build,
    "/family/relatives": family_relatives.build,
    "/family/bind": family_bind.build,
    "/visit-request": visit_request.build,
    tipoff.ROUTE: tipoff.build,
    tipoff_lookup.ROUTE: tipoff_lookup.build,
}
