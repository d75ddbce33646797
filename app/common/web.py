"""What every session of either app gets (fonts, locale, routing, stored settings), and serving an app in
Flet's web server mode. Each app's ``main.py`` passes its own state, routes and title."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import flet as ft

from app.common.api_client import ApiClient
from app.common.fonts import install_web_assets
from app.common.preferences import load_settings
from app.common.settings import DEFAULT_API_URL
from app.common.speech import install_speech
from app.common.ui import HasSettings, ScreenBuilder, Ui


@dataclass
class ClientConfig:
    # Phones get the address from the staged main.py (build/stage_app.py sets LIFECERT_API_URL).
    api_url: str = field(default_factory=lambda: os.environ.get("LIFECERT_API_URL", DEFAULT_API_URL))
    cjk_font_family: str | None = None  # the CJK font in the web client's font manifest (web server mode)


async def start_session(
    page: ft.Page,
    state: HasSettings,
    routes: dict[str, ScreenBuilder],
    config: ClientConfig,
    *,
    title_key: str,
    on_close: Callable[[], Awaitable[None]] | None = None,
) -> Ui:
    """Set up ``page`` for one session and show its first screen; ``on_close`` runs when the session ends."""
    ui = Ui(page, state, routes, ApiClient, cjk_font_family=config.cjk_font_family, title_key=title_key)
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
        if on_close is not None:
            await on_close()

    page.on_route_change = route_change
    page.on_view_pop = view_pop
    page.on_close = closed
    ui.store = ft.SharedPreferences()
    await load_settings(ui.store, state.settings)
    ui.show(page.route or "/")
    return ui


def serve(
    main: Callable[[ft.Page], Awaitable[None]],
    config: ClientConfig,
    *,
    what: str,
    port: int,
    host: str,
    api_url: str,
    open_browser: bool = False,
) -> None:
    """Serve ``main`` (server mode, no CDN: everything is served from this process)."""
    config.api_url = api_url
    assets_dir = Path(tempfile.mkdtemp(prefix="lifecert-web-assets-"))
    atexit.register(shutil.rmtree, assets_dir, ignore_errors=True)
    config.cjk_font_family = install_web_assets(assets_dir)  # fonts and the client, all served from here
    install_speech(assets_dir)  # spoken guidance, when build/speech.py has made it
    if not open_browser:
        # Flet opens a browser tab in WEB_BROWSER view unless it thinks it runs on a server.
        os.environ["FLET_FORCE_WEB_SERVER"] = "true"
    print(f"lifecert {what} on http://{host}:{port} (API {api_url})", flush=True)
    ft.run(
        main,
        view=ft.AppView.WEB_BROWSER,
        port=port,
        host=host,
        no_cdn=True,
        assets_dir=str(assets_dir),
        name="",
    )
