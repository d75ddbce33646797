"""Settings: language, text size and — in the staff app only (``Settings.api_editable``) — the server
address. Changes apply at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.common.components import buttons, fields, text
from app.common.components.scaffold import screen
from app.common.components.theme import ERROR, OK
from app.common.settings import normalise_api_url
from shared.i18n import LANGUAGES

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t
    settings = ui.state.settings

    def choose_language(language: str):
        def handler() -> None:
            settings.set_language(language)
            ui.persist_settings()
            ui.refresh()

        return handler

    def choose_speech(on: bool):
        def handler() -> None:
            settings.speech = on
            ui.persist_settings()
            ui.refresh()

        return handler

    def choose_size(large: bool):
        def handler() -> None:
            settings.large_text = large
            ui.persist_settings()
            ui.refresh()

        return handler

    api_field = fields.text_field(
        t("settings.api"),
        t("settings.api.hint"),
        settings.api_url,
        lambda: None,
        keyboard=ft.KeyboardType.URL,
    )
    api_message = ft.Text("", theme_style=ft.TextThemeStyle.BODY_LARGE)
    api_message_row = fields.tagged("settings-api-message", api_message)
    api_message_row.visible = False

    def save_api() -> None:
        url = normalise_api_url(api_field.value or "")
        api_message_row.visible = True
        if url is None:
            api_message.value, api_message.color = t("settings.api.error"), ERROR
            return
        settings.api_url = url
        ui.persist_settings()
        api_field.value = url
        api_message.value, api_message.color = t("settings.saved"), OK

    languages = [
        buttons.toggle(
            t(f"language.{lang}"), f"settings-lang-{lang}", settings.language == lang, choose_language(lang)
        )
        for lang in LANGUAGES
    ]
    sizes = [
        buttons.toggle(
            t("settings.text_normal"), "settings-text-normal", not settings.large_text, choose_size(False)
        ),
        buttons.toggle(
            t("settings.text_large"), "settings-text-large", settings.large_text, choose_size(True)
        ),
    ]
    speech = [
        buttons.toggle(t("settings.speech_on"), "settings-speech-on", settings.speech, choose_speech(True)),
        buttons.toggle(
            t("settings.speech_off"), "settings-speech-off", not settings.speech, choose_speech(False)
        ),
    ]
    return screen(
        ui,
        "/settings",
        t("settings.title"),
        [
            text.subheading(t("settings.language")),
            *languages,
            ft.Divider(height=8),
            text.subheading(t("settings.text_size")),
            *sizes,
            ft.Divider(height=8),
            text.subheading(t("settings.speech")),
            *speech,
            *(
                [
                    ft.Divider(height=8),
                    fields.tagged("settings-api", api_field),
                    api_message_row,
                    buttons.secondary(t("settings.save"), "settings-api-save", save_api, icon=ft.Icons.SAVE),
                ]
                if settings.api_editable
                else []
            ),
        ],
    )
