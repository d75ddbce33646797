"""The citizens' app: ``main(page)`` starts one session (state, routes); ``run()`` serves it on the web.

Web server mode (what ``python -m app.citizen`` — or just ``python -m app`` — and ``lifecert demo`` use)::

    python -m app.citizen --port 8550 --api http://127.0.0.1:8000

Phones run the same ``main`` through ``flet build apk/ipa`` on the tree ``build/stage_app.py`` stages
(see build/README.md).
"""

from __future__ import annotations

import flet as ft

from app.citizen.screens import ROUTES
from app.citizen.state import AppState
from app.common.settings import Settings
from app.common.web import ClientConfig, serve, start_session

CONFIG = ClientConfig()


async def main(page: ft.Page) -> None:
    state = AppState(settings=Settings(api_url=CONFIG.api_url, api_editable=False))
    state.prefill_id(page.route or "")  # a reminder letter's QR code: /?id=<ID number>
    await start_session(page, state, ROUTES, CONFIG, title_key="app.title")


def run(*, port: int, host: str, api_url: str, open_browser: bool = False) -> None:
    """Serve the citizens' app in Flet's web server mode."""
    serve(
        main, CONFIG, what="citizens' app", port=port, host=host, api_url=api_url, open_browser=open_browser
    )
