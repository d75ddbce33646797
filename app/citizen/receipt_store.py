"""Receipts kept on the device (newest first), in the same store as the settings
(``app/common/preferences.py``)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

from app.common.preferences import LOAD_TIMEOUT_S, PREFIX, KeyValueStore
from shared.schemas import ReceiptPublic

if TYPE_CHECKING:
    from app.common.ui import Ui

log = logging.getLogger(__name__)

RECEIPTS_KEY = PREFIX + "receipts"
MAX_RECEIPTS = 20  # newest first; older ones can still be verified by staff from the agency's records
_RECEIPTS = TypeAdapter(list[ReceiptPublic])


async def load_receipts(store: KeyValueStore) -> list[ReceiptPublic]:
    """Receipts kept on this device (newest first); an unreadable entry gives an empty list."""
    try:
        raw = await asyncio.wait_for(store.get(RECEIPTS_KEY), LOAD_TIMEOUT_S)
    except (TimeoutError, RuntimeError) as exc:
        log.warning("stored receipts not loaded: %r", exc)
        return []
    if not isinstance(raw, str):
        return []
    try:
        return _RECEIPTS.validate_json(raw)
    except ValidationError:
        return []


async def remember_receipt(store: KeyValueStore, receipt: ReceiptPublic) -> list[ReceiptPublic]:
    """Add ``receipt`` to the device's history (once per receipt id) and return the new history."""
    receipts = [r for r in await load_receipts(store) if r.receipt_id != receipt.receipt_id]
    receipts = [receipt, *receipts][:MAX_RECEIPTS]
    await store.set(RECEIPTS_KEY, _RECEIPTS.dump_json(receipts).decode())
    return receipts


def keep_in_background(ui: Ui, receipt: ReceiptPublic) -> None:
    """Add ``receipt`` to the device's history without waiting (no-op without a store or a page)."""
    if ui.store is not None and ui.page is not None:
        store = ui.store

        async def save() -> None:
            ui.state.receipts = await remember_receipt(store, receipt)

        ui.page.run_task(save)
