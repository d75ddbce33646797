"""The Flet client: ``main(page)`` wires state, theme, fonts and routes; ``run()`` serves it.

Web server mode (what ``python -m app`` and ``lifecert demo`` use)::

    python -m app --port 8550 --api http://127.0.0.1:8000

Phones run the same ``main`` through ``flet build apk/ipa`` (see build/README.md).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import flet as ft

from app.api_client import ApiClient
from app.fonts import CJK_FAMILY, install_cjk_font
from app.preferences import load_settings
from app.screens import ROUTES
from app.state import DEFAULT_API_URL, AppState, Settings
from app.ui import Ui

log = logging.getLogger(__name__)


@dataclass
class ClientConfig:
    api_url: str = os.environ.get("LIFECERT_API_URL", DEFAULT_API_URL)
    cjk_font_url: str | None = None  # URL path of the CJK font inside the assets dir (web server mode)


CONFIG = ClientConfig()


async def main(page: ft.Page) -> None:
    state = AppState(settings=Settings(api_url=CONFIG.api_url))
    if CONFIG.cjk_font_url:
        page.fonts = {CJK_FAMILY: CONFIG.cjk_font_url}
    ui = Ui(page, state, ROUTES, ApiClient, cjk_font_family=CJK_FAMILY if CONFIG.cjk_font_url else None)
    page.padding = 0
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[ft.Locale("zh", "CN"), ft.Locale("zh", "TW"), ft.Locale("en", "US")],
        current_locale=ft.Locale("zh", "CN"),
    )

    def route_change() -> None:
        ui.show(page.route or "/")

    async def view_pop(e: ft.ViewPopEvent) -> None:
        await ui.go("/")

    async def closed() -> None:
        await ui.close()

    page.on_route_change = route_change
    page.on_view_pop = view_pop
    page.on_close = closed
    ui.store = ft.SharedPreferences()
    await load_settings(ui.store, state.settings)
    ui.show(page.route or "/")


def run(*, port: int, host: str, api_url: str, open_browser: bool = False) -> None:
    """Serve the web client (server mode, no CDN: everything is served from this process)."""
    CONFIG.api_url = api_url
    assets_dir = Path(tempfile.mkdtemp(prefix="lifecert-web-assets-"))
    atexit.register(shutil.rmtree, assets_dir, ignore_errors=True)
    CONFIG.cjk_font_url = install_cjk_font(assets_dir)
    if not open_browser:
        # Flet opens a browser tab in WEB_BROWSER view unless it thinks it runs on a server.
        os.environ["FLET_FORCE_WEB_SERVER"] = "true"
    print(f"lifecert web client on http://{host}:{port} (API {api_url})", flush=True)
    ft.run(main, view=ft.AppView.WEB_BROWSER, port=port, host=host, no_cdn=True, assets_dir=str(assets_dir),
           name="")
