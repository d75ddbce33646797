"""Living abroad: the face check (same as at home) or the consulate's life certificate as a document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.citizen.state import CertifyFor, DocumentUpload
from app.common.components import buttons, text
from app.common.components.scaffold import screen

if TYPE_CHECKING:
    from app.common.ui import Ui


def build(ui: Ui) -> ft.View:
    t = ui.t

    async def face() -> None:
        ui.state.certify.restart(CertifyFor.ABROAD)
        await ui.go("/certify/consent")

    async def document() -> None:
        ui.state.documents = DocumentUpload(overseas=True)
        await ui.go("/documents")

    return screen(
        ui,
        "/abroad",
        t("abroad.title"),
        [
            text.body(t("abroad.intro")),
            buttons.choice(t("abroad.face"), t("abroad.face.hint"), ft.Icons.FACE, "abroad-face", face),
            buttons.choice(
                t("abroad.document"),
                t("abroad.document.hint"),
                ft.Icons.UPLOAD_FILE,
                "abroad-document",
                document,
            ),
        ],
    )
