"""The feed API for data sources (public security, civil affairs, health, funeral homes): a batch of rows
sent as JSON, and the row-level report answered for it (see docs/feed-api.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.wire import Answer, Request

BATCH_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
MAX_ROWS = 100_000


class FeedBatchIn(Request):
    """A batch as JSON: the source's own ``batch_id`` (a resend with the same id and content is harmless)
    and the rows, each with the same fields as a CSV line of that kind (id_number, name, the date, …)."""

    batch_id: str = Field(pattern=BATCH_ID_PATTERN)
    rows: list[dict[str, str | None]] = Field(min_length=1, max_length=MAX_ROWS)


class FeedRowRefusal(Answer):
    row: int  # JSON: position in ``rows`` counting from 1; CSV: the spreadsheet row (header = row 1)
    code: str  # stable reason code (docs/feed-api.md)
    message: str  # English, for the source's operator


class FeedBatchReport(Answer):
    batch_id: str
    kind: str
    source: str
    received_at: datetime
    replayed: bool = False  # True: this batch was received before; nothing changed now
    rows: int
    applied: int
    unchanged: int
    mismatched: int  # the ID number is on the roll, the name differs: left for a reviewer
    refused: int
    applied_rows: list[int] = []
    unchanged_rows: list[int] = []
    mismatched_rows: list[int] = []
    refused_rows: list[FeedRowRefusal] = []
