"""A receipt token rendered as a QR code, PNG (Pillow) or SVG (qrcode's path image)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    _qr(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    buffer = io.BytesIO()
    _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()
