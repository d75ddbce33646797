"""One module per screen; each exposes ``build(ui) -> ft.View``. ``ROUTES`` maps paths to them."""

from __future__ import annotations

from app.screens import (
    abroad,
    alternatives,
    camera,
    consent,
    console_cycle,
    console_login,
    console_review,
    console_stats,
    documents,
    family_bind,
    family_login,
    family_register,
    family_relatives,
    home,
    identity,
    outcome,
    receipts,
    settings,
    status,
    status_result,
)

ROUTES = {
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
    # staff console (back office)
    "/console": console_login.build,
    "/console/review": console_review.build,
    "/console/cycle": console_cycle.build,
    "/console/stats": console_stats.build,
}
