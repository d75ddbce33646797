"""Checking a receipt with the staff app's camera: the photo goes to ``POST /api/v1/receipts/scan`` (the
service reads the QR code; the app imports no cv2) and the answer is kept for the screen. No Flet here."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.api_client import ApiError
from app.staff.console_client import ConsoleClient
from shared.schemas import ReceiptVerification

SCAN_PATH = "/api/v1/receipts/scan"
SCAN_TIMEOUT_S = 60.0


@dataclass
class ReceiptScan:
    result: ReceiptVerification | None = None
    error_code: str | None = None  # a catalog key suffix: error.<code>
    busy: bool = False

    async def check(self, client: ConsoleClient, photo: bytes) -> bool:
        self.busy, self.result, self.error_code = True, None, None
        try:
            self.result = await client.send(
                "POST",
                SCAN_PATH,
                ReceiptVerification,
                files=[("photo", ("receipt.jpg", photo, "image/jpeg"))],
                timeout=SCAN_TIMEOUT_S,
            )
        except ApiError as exc:
            self.error_code = exc.code
        finally:
            self.busy = False
        return self.result is not None
