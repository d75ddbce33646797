"""The staff app: ``main(page)`` starts one session (state, routes); ``run()`` serves it on the web.

Web server mode (what ``python -m app.staff`` and ``lifecert demo`` use)::

    python -m app.staff --port 8551 --api http://127.0.0.1:8000

Tablets and phones of staff run the same ``main`` through ``flet build`` on the tree
``build/stage_app.py --app staff`` stages (see build/README.md).
"""

from __future__ import annotations

import flet as ft

from app.common.settings import Settings
from app.common.web import ClientConfig, serve, start_session
from app.staff.screens import ROUTES
from app.staff.state import StaffAppState

CONFIG = ClientConfig()


async def main(page: ft.Page) -> None:
    state = StaffAppState(settings=Settings(api_url=CONFIG.api_url))
    await start_session(
        page, state, ROUTES, CONFIG, title_key="console.title", on_close=state.console.sign_out
    )


def run(*, port: int, host: str, api_url: str, open_browser: bool = False) -> None:
    """Serve the staff app in Flet's web server mode."""
    serve(main, CONFIG, what="staff app", port=port, host=host, api_url=api_url, open_browser=open_browser)
