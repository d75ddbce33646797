"""Documents for an officer (consulate form abroad, evidence after failed checks) against the real API."""

from __future__ import annotations

import httpx
import pytest

from app.citizen.state import MAX_DOCUMENT_BYTES, DocumentUpload, document_type
from app.common.api_client import ApiClient
from shared.enums import ResidenceKind
from shared.i18n import has_key
from tests.shared_data import require_shared


def a_photo() -> bytes:
    return require_shared("faces", "identities", "biden", "biden.jpg").read_bytes()


def test_only_jpeg_png_and_pdf_within_the_size_limit() -> None:
    assert document_type(a_photo()) == "image/jpeg"
    assert document_type(b"%PDF-1.7\n...") == "application/pdf"
    assert document_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    upload = DocumentUpload()
    assert upload.add_file("notes.txt", b"hello") == "document.error.type"
    assert upload.add_file("huge.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES) == "document.error.size"
    assert upload.add_file("form.jpg", a_photo()) is None and [f[0] for f in upload.files] == ["form.jpg"]


@pytest.fixture
def asgi_app(settings):
    from api.main import create_app

    return create_app(settings)


async def test_overseas_form_is_accepted_with_an_expected_decision_date(asgi_app, make_person) -> None:
    person = make_person(
        name="陈美华", residence_kind=ResidenceKind.OVERSEAS, country="US", time_zone="America/Los_Angeles"
    )
    upload = DocumentUpload(overseas=True)
    upload.form.id_text, upload.form.name = person.id_number, "陈美华"
    assert await upload.submit(ApiClient("http://t", transport=httpx.ASGITransport(app=asgi_app))) is False
    assert upload.notice.key == "document.error.none"  # nothing picked yet: no request
    upload.add_file("consulate.jpg", a_photo())
    async with ApiClient("http://t", transport=httpx.ASGITransport(app=asgi_app)) as api:
        assert await upload.submit(api) is True
    assert upload.result.kind == "overseas" and upload.result.status == "pending"
    assert upload.result.expected_by is not None and upload.result.review_id


async def test_domestic_person_gets_the_servers_message(asgi_app, make_person) -> None:
    person = make_person(name="赵一")
    upload = DocumentUpload(overseas=True)
    upload.form.id_text, upload.form.name = person.id_number, "赵一"
    upload.add_file("form.jpg", a_photo())
    async with ApiClient("http://t", transport=httpx.ASGITransport(app=asgi_app)) as api:
        assert await upload.submit(api) is False
    # the server's code, rendered from the catalogs (never its English sentence)
    assert upload.notice.key == "error.not_overseas"
    assert has_key("error.not_overseas")  # in every language
