"""``POST /api/v1/receipts/scan``: the staff app sends a photo of a receipt's QR code (its camera); the
service reads the code (OpenCV's QR detector: the app imports no cv2) and checks the receipt it names — a
check-page URL ``…/r/<token>`` or a bare token. Staff only: decoding an image costs CPU."""

from __future__ import annotations

from typing import Annotated

import cv2
import numpy as np
from fastapi import APIRouter, File, UploadFile

from api.auth.deps import CurrentStaff
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import ApiError
from api.evidence.filetypes import IMAGE_KINDS, UnacceptableFile, check_upload
from api.receipts import service
from shared.schemas import ErrorResponse, ReceiptVerification

router = APIRouter(prefix="/api/v1/receipts", tags=["receipts"])
ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorResponse, "description": "not an image, or no QR code found in it"}
}


def read_qr(data: bytes) -> str | None:
    """The text of the QR code in a JPEG/PNG, or None (none found, or not an image). OpenCV's two detectors
    each miss some codes at some sizes (the plain one missed a 552 px receipt code it reads at 75 %), so
    both are tried, on the picture as it is and scaled down."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    detectors = (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())
    for scale in (1.0, 0.75, 0.5):
        picture = (
            image
            if scale == 1.0
            else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        for detector in detectors:
            text, _, _ = detector.detectAndDecode(picture)
            if text:
                return str(text)
    return None


@router.post("/scan", response_model=ReceiptVerification, responses=ERRORS)
def scan_receipt(
    staff: CurrentStaff,
    session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile, File(description="a JPEG or PNG showing the receipt's QR code")],
) -> ReceiptVerification:
    data = photo.file.read(settings.max_upload_bytes + 1)
    try:
        check_upload(data, allowed=IMAGE_KINDS, max_bytes=settings.max_upload_bytes)
    except UnacceptableFile as exc:
        raise ApiError(422, "invalid_photo", str(exc)) from None
    text = read_qr(data)
    if text is None:
        raise ApiError(422, "no_qr_code", "No QR code could be read in this photo: hold it closer, steady.")
    return service.verify(session, service.token_from_scan(text), key=settings.secret_key)
