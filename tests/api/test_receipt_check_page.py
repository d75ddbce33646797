"""A receipt anyone can check (SQLite and PostgreSQL): the QR code holds {public_url}/r/<token>; that page
says valid / expired / not valid in the reader's language with the masked facts; the printable certificate
is a PDF with the same QR code; staff send a photo of a QR code and get the check back."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import cv2
import numpy as np

from api.receipts.scan import read_qr
from shared.cycle import agency_today
from shared.enums import StaffRole
from tests.api.test_receipt_history import certify


def receipt_token(client, session, person, name: str, day: date) -> str:
    """The token the person got when they certified on ``day`` (receipt lookups by ID number and name carry
    none: the token goes only to whoever certified)."""
    from api.beneficiaries.models import Certification
    from api.receipts.models import Receipt
    from api.receipts.service import public

    receipt = session.get(Receipt, certify(session, person, day))
    certification = session.get(Certification, receipt.certification_id)
    return public(receipt, certification, person, key=client.app.state.settings.secret_key).token


def test_the_qr_code_opens_the_check_page_of_the_service(client, session, make_person, settings) -> None:
    person = make_person(name="扫码看")
    token = receipt_token(client, session, person, "扫码看", agency_today() - timedelta(days=3))
    png = client.post("/api/v1/receipts/qr", json={"token": token})
    assert png.status_code == 200
    url = read_qr(png.content)
    assert url == f"{settings.public_url}/r/{token}"

    page = client.get(urlsplit(url).path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    body = page.text
    assert 'lang="zh-Hans"' in body and "这张回执有效" in body and "扫*看" in body
    assert "认证方式：本人刷脸" in body and "有效期至：" in body
    assert person.id_number not in body and "扫码看" not in body
    assert "<script" not in body and "http" not in body.split("<body>")[1]  # nothing fetched from elsewhere
    english = client.get(urlsplit(url).path, params={"lang": "en"}).text
    assert "This receipt is valid" in english and "Certified on:" in english
    hant = client.get(urlsplit(url).path, headers={"Accept-Language": "zh-TW"}).text
    assert "這張回執有效" in hant


def test_an_altered_or_foreign_token_is_not_valid(client, session, make_person) -> None:
    person = make_person(name="改过的")
    token = receipt_token(client, session, person, "改过的", agency_today() - timedelta(days=3))
    body, mac = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    for bad in (forged, "not-a-token", token + "x"):
        page = client.get(f"/r/{bad}")
        assert page.status_code == 404 and "这张回执无效" in page.text and "改*的" not in page.text
    assert client.get(f"/r/{forged}.pdf").status_code == 404


def test_an_expired_receipt_is_told_as_genuine_but_ended(client, session, make_person) -> None:
    person = make_person(name="过期了")
    token = receipt_token(client, session, person, "过期了", agency_today() - timedelta(days=800))
    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and "已过有效期" in page.text


def test_the_certificate_is_a_pdf_with_the_same_qr_code(client, session, make_person, settings) -> None:
    import io

    from pypdf import PdfReader

    person = make_person(name="打印件")
    token = receipt_token(client, session, person, "打印件", agency_today() - timedelta(days=2))
    pdf = client.get(f"/r/{token}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(pdf.content)).pages[0]
    words = page.extract_text().replace("\x00", "")  # pypdf spells this CJK font's text as UTF-16 units
    assert "认证回执" in words and "打*件" in words and "本人刷脸" in words
    (image,) = page.images
    buffer = io.BytesIO()
    image.image.save(buffer, format="PNG")
    assert read_qr(buffer.getvalue()) == f"{settings.public_url}/r/{token}"
    english = PdfReader(io.BytesIO(client.get(f"/r/{token}.pdf", params={"lang": "en"}).content))
    assert "Certification receipt" in english.pages[0].extract_text().replace("\x00", "")


def test_staff_scan_a_photo_of_the_qr_code(client, session, make_person, make_staff, settings) -> None:
    person = make_person(name="拍二维")
    token = receipt_token(client, session, person, "拍二维", agency_today() - timedelta(days=1))
    png = client.post("/api/v1/receipts/qr", json={"token": token}).content
    # a photo: the code smaller, on a grey desk, a little blurred, as JPEG
    code = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    desk = np.full((900, 1200, 3), 170, np.uint8)
    small = cv2.resize(code, (420, 420), interpolation=cv2.INTER_AREA)
    desk[200:620, 380:800] = small
    photo = cv2.imencode(".jpg", cv2.GaussianBlur(desk, (3, 3), 0), [cv2.IMWRITE_JPEG_QUALITY, 80])[1]
    headers = make_staff(StaffRole.COORDINATOR)

    def scan(name: str, data: bytes, kind: str, **extra):
        return client.post("/api/v1/receipts/scan", files={"photo": (name, data, kind)}, **extra)

    resp = scan("qr.jpg", photo.tobytes(), "image/jpeg", headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json()["valid"] is True and resp.json()["holder_name"] == "拍*维"

    blank = cv2.imencode(".png", desk[:100, :100])[1].tobytes()
    resp = scan("x.png", blank, "image/png", headers=headers)
    assert resp.status_code == 422 and resp.json()["error"] == "no_qr_code"
    resp = scan("x.txt", b"hello", "text/plain", headers=headers)
    assert resp.status_code == 422 and resp.json()["error"] == "invalid_photo"
    resp = scan("qr.jpg", photo.tobytes(), "image/jpeg")
    assert resp.status_code == 401


def test_codes_the_plain_detector_misses_are_read() -> None:
    """A receipt URL whose 552 px code OpenCV's plain QRCodeDetector does not read at full size."""
    from api.receipts.qr import qr_png

    url = (
        "http://127.0.0.1:41231/r/eyJyIjoiOHZoS00yT2c4ZzNHUVhQWSIsIm4iOiLlvKAq5Zu9IiwiaSI6IjExMDEqKioqKioqKi"
        "oqMDExNSIsIm0iOiJzZWxmX2ZhY2UiLCJkIjoiMjAyNi0xMS0yOCIsInUiOiIyMDI3LTExLTI4In0.nu2MIrMkpkwalPrtA-J_"
        "E-30E4cTTNLv2Pztodno470"
    )
    png = qr_png(url)
    assert not cv2.QRCodeDetector().detectAndDecode(cv2.imdecode(np.frombuffer(png, np.uint8), 1))[0]
    assert read_qr(png) == url
