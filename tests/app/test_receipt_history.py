"""Receipts from the service merged with the device's: the state (against the real API in-process) and
the receipts screen built without a UI."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from app.citizen.state import ReceiptHistoryLookup, merge_receipts
from app.common.api_client import ApiClient
from shared.enums import CertificationMethod
from shared.schemas import ReceiptPublic
from tests.api.test_receipt_history import certify
from tests.app.test_screens import ROUTES, identifiers, make_ui, texts


def receipt(rid: str, day: date) -> ReceiptPublic:
    return ReceiptPublic(
        receipt_id=rid,
        holder_name="孙*庆",
        holder_id="1101**********0714",
        method=CertificationMethod.SELF_FACE,
        certified_on=day,
        valid_until=date(2030, 1, 1),
        token="t",
    )


def test_merge_lists_each_receipt_once_newest_first_with_where_it_is_kept() -> None:
    device = [receipt("b", date(2026, 5, 1)), receipt("a", date(2025, 5, 1))]
    server = [receipt("c", date(2026, 9, 1)), receipt("b", date(2026, 5, 1)), receipt("z", date(2024, 5, 1))]
    merged = merge_receipts(device, server)
    assert [m.receipt.receipt_id for m in merged] == ["c", "b", "a", "z"]
    assert [(m.on_device, m.on_server) for m in merged] == [
        (False, True),
        (True, True),
        (True, False),
        (False, True),
    ]
    device_only = merge_receipts(device, [])
    assert [(m.receipt.receipt_id, m.on_device, m.on_server) for m in device_only] == [
        ("b", True, False),
        ("a", True, False),
    ]
    assert [m.receipt.receipt_id for m in merge_receipts([], [])] == []


@pytest.fixture
def api(settings):
    from api.main import create_app

    return ApiClient(
        "http://lifecert.test", transport=httpx.ASGITransport(app=create_app(settings)), retries=0
    )


async def test_lookup_brings_the_services_receipts(api, session, make_person) -> None:
    person = make_person(name="孙回执")
    ids = [certify(session, person, date(2025, 3, 1)), certify(session, person, date(2026, 3, 1))]
    lookup = ReceiptHistoryLookup()
    lookup.form.id_text, lookup.form.name = person.id_number, "孙回执"
    assert await lookup.submit(api)
    assert [r.receipt_id for r in lookup.server] == ids[::-1] and lookup.notice is None
    device = [receipt("only-here", date(2025, 9, 9))]
    assert [m.receipt.receipt_id for m in lookup.listed(device)] == [ids[1], "only-here", ids[0]]


async def test_wrong_name_gives_the_not_found_notice_and_bad_forms_are_not_sent(api, make_person) -> None:
    person = make_person(name="孙对的")
    lookup = ReceiptHistoryLookup()
    lookup.form.id_text, lookup.form.name = person.id_number, "孙错的"
    assert not await lookup.submit(api)
    assert lookup.notice is not None and lookup.notice.key == "error.not_found" and lookup.server is None
    empty = ReceiptHistoryLookup()
    assert not await empty.submit(api)  # refused before any request: the fields show why
    assert empty.form.id_error_key() == "id.error.required" and empty.notice is None


def test_prefill_takes_the_status_forms_text_only_when_empty() -> None:
    from app.common.identity import IdentityForm

    lookup = ReceiptHistoryLookup()
    lookup.prefill(IdentityForm(id_text="110101", name="张三"))
    assert (lookup.form.id_text, lookup.form.name) == ("110101", "张三")
    lookup.prefill(IdentityForm(id_text="999", name="李四"))
    assert lookup.form.name == "张三"


def test_receipts_screen_shows_the_services_receipts_among_the_devices() -> None:
    ui = make_ui("en")
    ui.state.receipts = [receipt("r1", date(2026, 1, 2))]
    view = ROUTES["/receipts"](ui)
    assert "receipts-history-submit" in identifiers(view) and "receipts-id" in identifiers(view)
    assert "receipts-history-found" not in identifiers(view)  # not asked yet
    ui.state.history.server = [receipt("r2", date(2026, 8, 1)), receipt("r1", date(2026, 1, 2))]
    view = ROUTES["/receipts"](ui)
    shown = texts(view)
    assert "2 receipts from the service are shown below." in shown
    assert "Kept by the service" in shown and shown.count("Kept by the service") == 1
    ids = identifiers(view)
    assert "receipt-0-server" in ids and "receipt-1-server" not in ids and "receipt-1-qr" in ids
    ui.state.history.server = []
    assert "The service has no receipts for this person yet." in texts(ROUTES["/receipts"](ui))
