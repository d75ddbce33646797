"""Stored settings: valid values are applied, anything else is ignored; a silent store never blocks start-up.
(The real store, the browser's storage behind SharedPreferences, is exercised by the e2e language test.)"""

from __future__ import annotations

import asyncio

from app.common import preferences
from app.common.preferences import PREFIX, load_settings, save_settings
from app.common.settings import Settings


class DictStore:
    def __init__(self, data: dict[str, object] | None = None) -> None:
        self.data = dict(data or {})

    async def get(self, key: str) -> object:
        return self.data.get(key)

    async def set(self, key: str, value: str | bool) -> bool:
        self.data[key] = value
        return True


class SilentStore(DictStore):
    async def get(self, key: str) -> object:
        await asyncio.sleep(3600)


async def test_round_trip() -> None:
    store, saved = (
        DictStore(),
        Settings(language="zh-Hant", large_text=True, api_url="https://api.example.org", speech=False),
    )
    await save_settings(store, saved)
    assert set(store.data) == {PREFIX + k for k in ("language", "large_text", "api_url", "speech")}
    loaded = Settings()
    await load_settings(store, loaded)
    assert loaded == saved


async def test_invalid_values_are_ignored() -> None:
    settings = Settings()
    await load_settings(
        DictStore({PREFIX + "language": "fr", PREFIX + "large_text": "yes", PREFIX + "api_url": "ftp://x"}),
        settings,
    )
    assert settings == Settings()


async def test_a_store_that_never_answers_does_not_block(monkeypatch) -> None:
    monkeypatch.setattr(preferences, "LOAD_TIMEOUT_S", 0.05)
    settings = Settings()
    await load_settings(SilentStore(), settings)
    assert settings == Settings()


def _receipt(i: int):
    from datetime import date

    from shared.enums import CertificationMethod
    from shared.schemas import ReceiptPublic

    return ReceiptPublic(
        receipt_id=f"r{i}",
        holder_name="孙*庆",
        holder_id="1101**********0714",
        method=CertificationMethod.SELF_FACE,
        certified_on=date(2026, 1, 1 + i % 28),
        valid_until=date(2027, 1, 1),
        token=f"t{i}",
    )


async def test_receipt_history_newest_first_once_each_and_capped() -> None:
    from app.citizen.receipt_store import MAX_RECEIPTS, load_receipts, remember_receipt

    store = DictStore()
    assert await load_receipts(store) == []
    await remember_receipt(store, _receipt(1))
    await remember_receipt(store, _receipt(2))
    history = await remember_receipt(store, _receipt(1))  # the same receipt again moves to the top
    assert [r.receipt_id for r in history] == ["r1", "r2"]
    for i in range(3, 3 + MAX_RECEIPTS):
        history = await remember_receipt(store, _receipt(i))
    assert len(history) == MAX_RECEIPTS and history[0].receipt_id == f"r{2 + MAX_RECEIPTS}"
    assert await load_receipts(store) == history
    store.data[PREFIX + "receipts"] = "not json"
    assert await load_receipts(store) == []
