"""A camera for single photos (evidence of a visit, a person at home): "open the camera" shows a live
preview, then "take a photo" as often as needed; each JPEG goes to ``on_photo``. Where no camera works the
preview is hidden again and the reason shown, so the screen's file picker beside it is the way on.

The labels come from the caller (catalog texts); the notices for a refused or missing camera are the
common ``camera.denied`` / ``camera.unavailable`` strings. Semantics identifiers: ``<prefix>-camera-open``,
``-camera-take``, ``-camera-preview``, ``-camera-notice``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.common.camera import JPEG_MAGIC, CameraUnavailable, FaceCamera, FletCamera
from app.common.components import buttons
from app.common.components.messages import MessageLine

if TYPE_CHECKING:
    from app.common.ui import Ui

PREVIEW_HEIGHT = 300


class PhotoCamera:
    def __init__(self, ui: Ui, on_photo: Callable[[bytes], Awaitable[None]], *, id_prefix: str,
                 open_text: str, take_text: str, rear: bool = True, camera: FaceCamera | None = None) -> None:
        self.ui = ui
        self.rear = rear
        self._on_photo = on_photo
        real = FletCamera() if camera is None else None
        self.camera: FaceCamera = camera or real
        self.opened = False
        self.busy = False
        preview_content = real.control if real is not None else ft.Container()
        frame = ft.Container(content=preview_content, height=PREVIEW_HEIGHT, bgcolor="#000000",
                             border_radius=16, clip_behavior=ft.ClipBehavior.ANTI_ALIAS)
        self.preview = ft.Semantics(identifier=f"{id_prefix}-camera-preview", content=frame, visible=False)
        self.notice = MessageLine(identifier=f"{id_prefix}-camera-notice")
        self.open_button = buttons.secondary(open_text, f"{id_prefix}-camera-open", self.open,
                                             icon=ft.Icons.PHOTO_CAMERA)
        self.take_button = buttons.primary(take_text, f"{id_prefix}-camera-take", self.take)
        self.controls: list[ft.Control] = [self.preview, self.notice.control, self.open_button,
                                           self.take_button]
        self.render()

    def render(self) -> None:
        self.preview.visible = self.opened
        self.open_button.visible = not self.opened
        self.take_button.visible = self.opened

    def _update(self) -> None:
        if self.ui.page is not None:
            self.ui.page.update()

    async def open(self) -> None:
        self.notice.show(None)
        self.preview.visible = True  # the camera control must be on the page before it can start
        self._update()
        try:
            await self.camera.start(rear=self.rear)
        except CameraUnavailable as exc:
            self.opened = False
            self.notice.show(self.ui.t("camera.denied" if exc.code == "denied" else "camera.unavailable"))
        else:
            self.opened = True
        self.render()
        self._update()

    async def take(self) -> None:
        if self.busy or not self.opened:
            return
        self.busy = True
        try:
            data = await self.camera.take_picture()
            if not data.startswith(JPEG_MAGIC):
                self.notice.show(self.ui.t("camera.unavailable"))
                return
            await self._on_photo(data)
        finally:
            self.busy = False
            self.render()
            self._update()

    async def close(self) -> None:
        if self.opened:
            await self.camera.stop()
        self.opened = False
        self.render()
