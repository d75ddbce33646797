"""The object every screen of either app receives: state, translations, the API client, navigation.

Routing is imperative (Flet 1.0 ``page.views`` + ``on_route_change``): each route maps to one screen
module's ``build(ui) -> ft.View``. A language or text-size change rebuilds the current view. The state is
the app's own (``app.citizen.state.AppState``, ``app.staff.state.StaffAppState``); all this module reads of
it is ``state.settings``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import flet as ft

from app.common.components.theme import TypeScale, build_theme, type_scale
from app.common.preferences import KeyValueStore, save_settings
from app.common.settings import Settings
from shared.i18n import Translator

if TYPE_CHECKING:
    from app.common.api_client import ApiClient

ScreenBuilder = Callable[["Ui"], ft.View]


class HasSettings(Protocol):
    settings: Settings


S = TypeVar("S", bound=HasSettings)


class Ui(Generic[S]):
    def __init__(
        self,
        page: ft.Page,
        state: S,
        routes: dict[str, ScreenBuilder],
        api_factory: Callable[[str], ApiClient],
        cjk_font_family: str | None = None,
        title_key: str = "app.title",
    ) -> None:
        self.page = page
        self.state = state  # the app's own state object (screens know its type)
        self.routes = routes
        self._api_factory = api_factory
        self._api: ApiClient | None = None
        self._api_url: str | None = None
        self.cjk_font_family = cjk_font_family
        self.title_key = title_key  # the browser tab's / window's title
        self.store: KeyValueStore | None = None  # where settings persist (SharedPreferences in main)

    # --- language and look -------------------------------------------------------------------------
    @property
    def t(self) -> Translator:
        return Translator(self.state.settings.language)

    @property
    def scale(self) -> TypeScale:
        return type_scale(self.state.settings.large_text)

    def apply_theme(self) -> None:
        self.page.theme = build_theme(self.state.settings.large_text, self.cjk_font_family)
        self.page.theme_mode = ft.ThemeMode.LIGHT
        self.page.title = self.t(self.title_key)

    # --- API -----------------------------------------------------------------------------------------
    @property
    def api(self) -> ApiClient:
        """The client for the current API address (a new one when the address changed)."""
        url = self.state.settings.api_url
        if self._api is None or self._api_url != url:
            if self._api is not None and self.page is not None:
                self.page.run_task(self._api.aclose)  # the old address's connections
            self._api = self._api_factory(url)
            self._api_url = url
        return self._api

    async def close(self) -> None:
        """The session ended (tab closed and expired): release the HTTP connections."""
        if self._api is not None:
            await self._api.aclose()
            self._api = None

    # --- navigation ----------------------------------------------------------------------------------
    async def go(self, route: str) -> None:
        """Show ``route`` (history-aware: the browser's back button works)."""
        await self.page.push_route(route)

    def show(self, route: str) -> None:
        """Build the view for ``route`` and make it the only one (one task per screen)."""
        path = route.split("?", 1)[0] or "/"
        builder = self.routes.get(path) or self.routes["/"]
        self.apply_theme()
        self.page.views.clear()
        self.page.views.append(builder(self))

    def persist_settings(self) -> None:
        """Save the settings on the device in the background (no-op without a store)."""
        if self.store is not None and self.page is not None:
            store, settings = self.store, self.state.settings

            async def save() -> None:
                await save_settings(store, settings)

            self.page.run_task(save)

    def refresh(self) -> None:
        """Rebuild the current screen (after a language or text-size change)."""
        self.show(self.page.route or "/")
