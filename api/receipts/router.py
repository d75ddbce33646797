"""Receipt verification and QR rendering (public: a token reveals only masked facts).

Tokens travel in request bodies only (``POST``): URLs end up in access logs, proxies and browser history.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.auth.signing import BadSignature
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import ApiError
from api.core.settings import Settings
from api.receipts import service
from api.receipts import token as receipt_token
from api.receipts.qr import qr_png, qr_svg
from shared.schemas import ErrorResponse, ReceiptQrRequest, ReceiptTokenRequest, ReceiptVerification

router = APIRouter(prefix="/api/v1/receipts", tags=["receipts"])

_QR_CONTENT: dict[str, dict[str, object]] = {"image/png": {}, "image/svg+xml": {}}


@router.post("/verify", response_model=ReceiptVerification)
def verify_receipt(
    body: ReceiptTokenRequest, session: SessionDep, settings: SettingsDep
) -> ReceiptVerification:
    return service.verify(session, body.token, key=settings.secret_key)


def _signed(token: str, settings: Settings) -> str:
    """The check page's URL for a token this service signed (the endpoint is not a general QR generator):
    any phone camera that reads the code opens ``{public_url}/r/<token>``."""
    try:
        receipt_token.decode(token, key=settings.secret_key)
    except BadSignature:
        raise ApiError(422, "invalid_receipt", service.INVALID_MESSAGE) from None
    return service.check_url(settings.public_url, token)


@router.post(
    "/qr",
    response_class=Response,
    responses={200: {"content": _QR_CONTENT}, 422: {"model": ErrorResponse}},
)
def receipt_qr(body: ReceiptQrRequest, settings: SettingsDep) -> Response:
    """The receipt's QR code (``format`` png, the default, or svg)."""
    token = _signed(body.token, settings)
    if body.format == "svg":
        return Response(qr_svg(token), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
    return Response(qr_png(token), media_type="image/png", headers={"Cache-Control": "no-store"})
