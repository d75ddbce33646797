"""Receipt verification and QR rendering (public: a token reveals only masked facts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth.signing import BadSignature
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import ApiError
from api.core.settings import Settings
from api.receipts import service
from api.receipts import token as receipt_token
from api.receipts.qr import qr_png, qr_svg
from shared.schemas import ReceiptVerification

router = APIRouter(prefix="/api/v1/receipts", tags=["receipts"])

TokenQuery = Annotated[str, Query(min_length=1, max_length=4096, description="the receipt's signed token")]


@router.get("/verify", response_model=ReceiptVerification)
def verify_receipt(token: TokenQuery, session: SessionDep, settings: SettingsDep) -> ReceiptVerification:
    return service.verify(session, token, key=settings.secret_key)


def _signed(token: str, settings: Settings) -> str:
    """The check page's URL for a token this service signed (the endpoint is not a general QR generator):
    any phone camera that reads the code opens ``{public_url}/r/<token>``."""
    try:
        receipt_token.decode(token, key=settings.secret_key)
    except BadSignature:
        raise ApiError(422, "invalid_receipt", service.INVALID_MESSAGE) from None
    return service.check_url(settings.public_url, token)


@router.get("/qr.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def receipt_qr_png(token: TokenQuery, settings: SettingsDep) -> Response:
    return Response(
        qr_png(_signed(token, settings)), media_type="image/png", headers={"Cache-Control": "no-store"}
    )


@router.get("/qr.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def receipt_qr_svg(token: TokenQuery, settings: SettingsDep) -> Response:
    return Response(
        qr_svg(_signed(token, settings)), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )
