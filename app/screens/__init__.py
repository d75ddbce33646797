"""One module per screen; each exposes ``build(ui) -> ft.View``. ``ROUTES`` maps paths to them."""

from __future__ import annotations

from app.screens import (
    alternatives,
    camera,
    consent,
    home,
    identity,
    outcome,
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
}
