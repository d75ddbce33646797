"""A feed batch sent by a data source: parse it (JSON rows or CSV), import it once, keep its report.

Idempotent by the source's ``batch_id``: the same source and id with the same content answers the stored
report and changes nothing (no rows, no audit events); the same id with other content is refused
(:class:`BatchConflict`). Rows about people outside the source's region subtree are refused per row
(``out_of_region``). The caller commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.comparison.feed import FeedContext, FeedReport
from api.comparison.models import FeedBatch, FeedKind, FeedSource
from api.comparison.rows import FeedFileError, FeedRow, RowError, read_feed_lines
from api.comparison.service import import_rows
from api.comparison.sources import actor_of
from api.core.db import utcnow
from shared.wire import has_control_characters


class BatchConflict(ValueError):
    """The batch id was used before by this source for other content (or another kind)."""


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    """A batch's rows as CSV text (JSON rows are written as CSV), its digest, and the row-number offset
    (JSON rows are numbered from 1 in the ``rows`` list, CSV rows as in a spreadsheet)."""

    csv_text: str
    digest: str
    row_offset: int


def from_json_rows(kind: FeedKind, rows: list[dict[str, str | None]]) -> ParsedBatch:
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    columns: list[str] = []
    for row in rows:
        for column in row:
            name = column.strip().lower()
            if name not in columns:
                columns.append(name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        lowered = {k.strip().lower(): (v or "") for k, v in row.items()}
        writer.writerow([lowered.get(c, "") for c in columns])
    return ParsedBatch(out.getvalue(), _digest(kind, "json", canonical.encode()), -1)


def from_csv_bytes(kind: FeedKind, body: bytes) -> ParsedBatch:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedFileError("the batch is not UTF-8 text") from None
    if has_control_characters(text):
        raise FeedFileError("the batch holds control characters (NUL …) that no field may contain")
    return ParsedBatch(text, _digest(kind, "csv", body), 0)


def _digest(kind: FeedKind, form: str, content: bytes) -> str:
    h = hashlib.sha256(f"{kind.value}\n{form}\n".encode())
    h.update(content)
    return h.hexdigest()


def find_batch(session: Session, source: FeedSource, batch_id: str) -> FeedBatch | None:
    return session.execute(
        sa.select(FeedBatch).where(FeedBatch.source_id == source.id, FeedBatch.batch_id == batch_id)
    ).scalar_one_or_none()


def replay(existing: FeedBatch, kind: FeedKind, digest: str) -> dict[str, Any]:
    """The stored report of a resent batch; BatchConflict when the content differs."""
    if existing.kind is not kind or existing.content_sha256 != digest:
        raise BatchConflict(existing.batch_id)
    return {**existing.report, "replayed": True}


def submit_batch(
    session: Session,
    source: FeedSource,
    kind: FeedKind,
    batch_id: str,
    parsed: ParsedBatch,
    *,
    ctx: FeedContext,
) -> tuple[dict[str, Any], bool]:
    """(report, replayed). Raises BatchConflict, or FeedFileError for a batch that cannot be read at all
    (nothing written in either case)."""
    existing = find_batch(session, source, batch_id)
    if existing is not None:
        return replay(existing, kind, parsed.digest), True
    rows = _numbered(read_feed_lines(io.StringIO(parsed.csv_text, newline=""), kind, batch_id), parsed)
    first = next(rows, None)  # FeedFileError (missing columns) before anything is written
    report = import_rows(
        session,
        kind,
        _chain(first, rows),
        file_name=f"api:{source.name}:{batch_id}",
        ctx=ctx,
        region_code=source.region_code,
        per_row=True,
    )
    received = utcnow()
    body = _report(report, source, batch_id, received)
    batch = FeedBatch(
        source_id=source.id,
        batch_id=batch_id,
        kind=kind,
        content_sha256=parsed.digest,
        feed_run_id=report.run_id,
        report=body,
        created_at=received,
    )
    session.add(batch)
    session.flush()
    audit.record(
        session,
        actor=actor_of(source),
        action="feed.batch",
        entity_type="feed_batch",
        entity_id=batch.id,
        after={k: v for k, v in body.items() if not k.endswith("_rows")},
    )
    return body, False


def _chain(first: FeedRow | RowError | None, rest: Iterator[FeedRow | RowError]):
    if first is not None:
        yield first
        yield from rest


def _numbered(rows: Iterator[FeedRow | RowError], parsed: ParsedBatch) -> Iterator[FeedRow | RowError]:
    if parsed.row_offset == 0:
        yield from rows
        return
    for row in rows:
        if isinstance(row, RowError):
            yield RowError(row.row_number + parsed.row_offset, row.id_number, row.message, row.code)
        else:
            yield FeedRow(
                row.row_number + parsed.row_offset,
                row.id_number,
                row.name,
                row.event_date,
                row.detail,
                row.heir_name,
                row.heir_phone,
            )


def _report(report: FeedReport, source: FeedSource, batch_id: str, received) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "kind": report.kind.value,
        "source": source.name,
        "received_at": received.isoformat(),
        "rows": report.rows,
        "applied": report.applied,
        "unchanged": report.unchanged,
        "mismatched": report.mismatched,
        "refused": len(report.errors),
        "applied_rows": sorted(report.applied_rows),
        "unchanged_rows": sorted(report.unchanged_rows),
        "mismatched_rows": sorted(report.mismatched_rows),
        "refused_rows": [
            {"row": e.row_number, "code": e.code, "message": e.message}
            for e in sorted(report.errors, key=lambda e: e.row_number)
        ],
    }
