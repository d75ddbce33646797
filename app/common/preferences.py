"""Settings kept on the device between visits (language, text size, API address), for either app.

Stored with Flet's ``SharedPreferences`` service (browser localStorage on web, platform preferences on
phones). Its keys are shared by every Flet app on a client, hence the ``lifecert.`` prefix. A store that
does not answer (no client attached) never blocks the app: loading gives up after a short timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from app.common.settings import Settings, normalise_api_url
from shared.i18n import LANGUAGES

log = logging.getLogger(__name__)

PREFIX = "lifecert."
LOAD_TIMEOUT_S = 3.0


class KeyValueStore(Protocol):
    async def get(self, key: str) -> object: ...

    async def set(self, key: str, value: str | bool) -> bool: ...


async def load_settings(store: KeyValueStore, settings: Settings) -> None:
    """Apply stored values that are valid; ignore anything else (an old or foreign value)."""
    try:
        language, large, api, speech = await asyncio.wait_for(
            asyncio.gather(
                store.get(PREFIX + "language"),
                store.get(PREFIX + "large_text"),
                store.get(PREFIX + "api_url"),
                store.get(PREFIX + "speech"),
            ),
            LOAD_TIMEOUT_S,
        )
    except (TimeoutError, RuntimeError) as exc:
        log.warning("stored settings not loaded: %r", exc)
        return
    if isinstance(language, str) and language in LANGUAGES:
        settings.language = language
    if isinstance(large, bool):
        settings.large_text = large
    if isinstance(speech, bool):
        settings.speech = speech
    if settings.api_editable and isinstance(api, str) and (url := normalise_api_url(api)):
        settings.api_url = url


async def save_settings(store: KeyValueStore, settings: Settings) -> None:
    await store.set(PREFIX + "language", settings.language)
    await store.set(PREFIX + "large_text", settings.large_text)
    await store.set(PREFIX + "speech", settings.speech)
    if settings.api_editable:
        await store.set(PREFIX + "api_url", settings.api_url)
