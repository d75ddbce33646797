"""The wire shape of ``POST /api/v1/receipts/history``: a person's last receipts kept by the service."""

from __future__ import annotations

from shared.schemas import ReceiptPublic
from shared.wire import Answer

MAX_HISTORY = 20


class ReceiptHistory(Answer):
    """Masked receipts, newest first, at most :data:`MAX_HISTORY` (the request is a ``StatusRequest``)."""

    receipts: list[ReceiptPublic]
