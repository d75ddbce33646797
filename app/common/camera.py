"""The camera behind a small interface, and the burst capture used for a face challenge.

``FaceCamera`` is what the capture flow needs: start (front or rear lens), take one JPEG, stop. The real
one wraps ``flet_camera.Camera`` (Android, iOS and the web client; on web there is no image stream, so a
challenge is captured as a burst of ``take_picture()`` calls, ~75 ms each in Chromium). Tests pass
their own ``FaceCamera`` that returns frames of a real recorded clip.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Protocol

import flet as ft

from app.common.api_client import Frame

JPEG_MAGIC = b"\xff\xd8\xff"


class CameraUnavailable(Exception):
    """No usable camera: ``code`` is ``denied`` (permission refused) or ``unavailable`` (none / failed)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class FaceCamera(Protocol):
    async def start(self, rear: bool = False) -> None: ...

    async def take_picture(self) -> bytes: ...

    async def stop(self) -> None: ...


async def capture_burst(
    camera: FaceCamera,
    count: int,
    interval_s: float,
    *,
    t0: float,
    clock: Callable[[], float] = time.monotonic,
    on_frame: Callable[[int], None] | None = None,
) -> list[Frame]:
    """``count`` pictures about ``interval_s`` apart; capture times are ms since ``t0`` (same clock)."""
    frames: list[Frame] = []
    for i in range(count):
        started = clock()
        data = await camera.take_picture()
        if not data.startswith(JPEG_MAGIC):
            raise CameraUnavailable("unavailable", "the camera returned something that is not a JPEG")
        frames.append(Frame(data=data, t_ms=max(0, round((started - t0) * 1000))))
        if on_frame is not None:
            on_frame(i + 1)
        rest = interval_s - (clock() - started)
        if rest > 0 and i + 1 < count:
            await asyncio.sleep(rest)
    return frames


class FletCamera:
    """``FaceCamera`` over flet-camera; ``control`` is the live preview to put on the screen."""

    def __init__(self, overlay: ft.Control | None = None) -> None:
        import flet_camera as fc

        self._fc = fc
        self.control = fc.Camera(preview_enabled=True, content=overlay, expand=True)
        self._started = False

    async def start(self, rear: bool = False) -> None:
        fc = self._fc
        page = self.control.page
        if not (page.web or page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)):
            raise CameraUnavailable("unavailable", "flet-camera supports Android, iOS and web only")
        if not page.web:
            await _request_camera_permission()
        try:
            cameras = await self.control.get_available_cameras()
        except Exception as exc:  # the plugin reports a missing device or a refused browser prompt this way
            raise CameraUnavailable(_code_of(exc), str(exc)) from exc
        if not cameras:
            raise CameraUnavailable("unavailable", "no camera found")
        wanted = fc.CameraLensDirection.BACK if rear else fc.CameraLensDirection.FRONT
        chosen = next((c for c in cameras if c.lens_direction == wanted), cameras[0])
        try:
            await self.control.initialize(chosen, fc.ResolutionPreset.MEDIUM, enable_audio=False)
        except Exception as exc:
            raise CameraUnavailable(_code_of(exc), str(exc)) from exc
        self._started = True

    async def take_picture(self) -> bytes:
        return await self.control.take_picture()

    async def stop(self) -> None:
        if self._started:
            self._started = False
            # The page may already be gone (tab closed); then there is nothing left to release.
            with contextlib.suppress(Exception):
                await self.control.pause_preview()


def _code_of(exc: Exception) -> str:
    text = str(exc).lower()
    return "denied" if ("permission" in text or "notallowed" in text or "denied" in text) else "unavailable"


async def _request_camera_permission() -> None:
    import flet_permission_handler as fph

    handler = fph.PermissionHandler()
    status = await handler.request(fph.Permission.CAMERA)
    if status not in (fph.PermissionStatus.GRANTED, fph.PermissionStatus.LIMITED):
        raise CameraUnavailable("denied", f"camera permission: {status}")
