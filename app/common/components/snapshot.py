"""A camera for single photos (a reference face, photos of a visit): "open the camera", a live preview,
then "take a photo" as often as needed; each JPEG goes to ``on_photo``. Where no camera works the preview
is hidden and the reason shown (the screen offers a file picker beside it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.common.camera import JPEG_MAGIC, CameraUnavailable, FletCamera
from app.common.components import buttons
from app.common.components.messages import MessageLine

if TYPE_CHECKING:
    from app.common.ui import Ui

PREVIEW_HEIGHT = 300  # the button under it stays on a phone's first screen


class SnapshotCamera:
    def __init__(
        self,
        ui: Ui,
        id_prefix: str,
        on_photo: Callable[[bytes], Awaitable[None]],
        *,
        rear: bool = True,
        take_key: str = "snapshot.take",
        open_key: str = "snapshot.open",
        overlay: ft.Control | None = None,
    ) -> None:
        self.ui = ui
        self.rear = rear
        self._on_photo = on_photo
        self.camera = FletCamera(overlay=overlay)
        self.opened = False
        self.busy = False
        self.finished = False  # no more photos wanted: the camera and its buttons are gone
        t = ui.t
        preview = ft.Container(
            content=self.camera.control,
            height=PREVIEW_HEIGHT,
            bgcolor="#000000",
            border_radius=16,
            clip_behavior=ft.ClipBehavior.ANTI_ALIAS,
        )
        self.preview = ft.Semantics(identifier=f"{id_prefix}-preview", content=preview, visible=False)
        self.message = MessageLine(identifier=f"{id_prefix}-camera-notice")
        self.open_button = buttons.secondary(
            t(open_key), f"{id_prefix}-open", self._open, icon=ft.Icons.PHOTO_CAMERA
        )
        self.take_button = buttons.primary(t(take_key), f"{id_prefix}-take", self._take)
        self.take_button.visible = False
        self.controls: list[ft.Control] = [
            self.preview,
            self.message.control,
            self.open_button,
            self.take_button,
        ]

    def _update(self) -> None:
        if self.ui.page is not None:
            self.ui.page.update()

    def render(self) -> None:
        self.preview.visible = self.opened and not self.finished
        self.open_button.visible = not self.opened and not self.finished
        self.take_button.visible = self.opened and not self.finished

    async def _open(self) -> None:
        self.message.show(None)
        self.preview.visible = True  # the camera control must be on the page before it can start
        self._update()
        try:
            await self.camera.start(rear=self.rear)
        except CameraUnavailable as exc:
            self.opened = False
            self.message.show(self.ui.t("camera.denied" if exc.code == "denied" else "camera.unavailable"))
        else:
            self.opened = True
        self.render()
        self._update()

    async def _take(self) -> None:
        if self.busy or not self.opened:
            return
        self.busy = True
        try:
            data = await self.camera.take_picture()
            if not data.startswith(JPEG_MAGIC):
                self.message.show(self.ui.t("camera.unavailable"))
                return
            await self._on_photo(data)
        finally:
            self.busy = False
            self.render()
            self._update()

    async def close(self) -> None:
        await self.camera.stop()
        self.opened = False
        self.render()

    async def finish(self) -> None:
        """Release the camera and take the preview and its buttons off the screen."""
        self.finished = True
        await self.close()
        self.render()
