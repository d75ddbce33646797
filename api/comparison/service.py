"""Importing a data-comparison feed: match on ID number, check the name, apply each row's consequence.

Policy (documented for clerks): rows are independent events, so good rows are applied and bad rows are
reported (row, ID number, message) — unlike the roster import, one bad row does not hold back the rest.
The whole file is one transaction: the caller commits, and a crash leaves nothing half-written.
A row whose ID number is on the roll but whose name differs is **never applied**: it goes to the review
list (:class:`FeedMismatch`) for a reviewer to apply or dismiss. Re-importing the same file changes
nothing (every consequence checks what is already recorded).

Consequences: sign_of_life in ``signs_of_life.py`` (the bulk case; on PostgreSQL set-based, with the same
results, in ``signs_of_life_sql.py``); death, detention, survivor_end and the
four kinds that end unemployment benefit (reemployment, business_registration, emigration, pension_start) in
``events.py``; the review list of name mismatches in ``mismatches.py``; shared types in ``feed.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from api import audit
from api.comparison.driver_insert import select_in, stored_to_date, stored_to_day
from api.comparison.events import HANDLERS
from api.comparison.feed import FeedContext, FeedPerson, FeedReport, Matched, count
from api.comparison.mismatches import open_mismatches
from api.comparison.models import FeedKind, FeedRun
from api.comparison.rows import FeedRow, RowError, count_rows, id_problem, normalise_name, read_feed
from api.comparison.signs_of_life import record_signs_of_life
from api.comparison.signs_of_life_sql import import_signs_of_life, usable
from api.core.db import utcnow
from api.core.progress import ProgressFactory, quiet

__all__ = ["FeedContext", "FeedReport", "import_feed", "import_rows"]

CHUNK = 5000


def import_feed(
    session: Session,
    kind: FeedKind,
    path: Path,
    *,
    ctx: FeedContext,
    progress: ProgressFactory = quiet,
    chunk: int = CHUNK,
) -> FeedReport:
    """Import ``path`` as a ``kind`` feed in the caller's transaction (FeedFileError if unusable)."""
    rows = read_feed(path, kind)  # raises FeedFileError before anything is written
    return import_rows(
        session,
        kind,
        rows,
        file_name=path.name,
        total=count_rows(path),
        ctx=ctx,
        progress=progress,
        chunk=chunk,
    )


def import_rows(
    session: Session,
    kind: FeedKind,
    rows: Iterator[FeedRow | RowError],
    *,
    file_name: str,
    ctx: FeedContext,
    total: int | None = None,
    region_code: str | None = None,
    per_row: bool = False,
    progress: ProgressFactory = quiet,
    chunk: int = CHUNK,
    set_based: bool | None = None,
) -> FeedReport:
    """Import parsed feed rows in the caller's transaction. ``region_code``: rows about people outside this
    region subtree are refused (``out_of_region``) — a data source reports only for its own area.
    ``per_row``: the report keeps the row numbers of applied, unchanged and mismatched rows.
    ``set_based``: a sign-of-life feed goes through the set-based path (COPY into a staging table, joins:
    ``signs_of_life_sql.py``); default: on PostgreSQL. Both give the same results; errors are reported in
    row order."""
    started = time.perf_counter()
    first = next(rows, None)
    run = FeedRun(kind=kind, file_name=file_name[:255], actor=ctx.actor[:128])
    session.add(run)
    session.flush()
    report = FeedReport(run_id=run.id, kind=kind, per_row=per_row)
    bar = progress(total or 0, kind.value)
    batch: list[FeedRow] = []
    shown = 0
    if set_based is None:
        set_based = kind is FeedKind.SIGN_OF_LIFE and usable(session)
    elif set_based and not (kind is FeedKind.SIGN_OF_LIFE and usable(session)):
        raise ValueError("the set-based path is for sign-of-life feeds on PostgreSQL (psycopg)")
    try:
        if set_based:
            import_signs_of_life(
                session,
                _chain(first, rows),
                ctx=ctx,
                run=run,
                report=report,
                region_code=region_code,
                bar=bar,
            )
        else:
            for item in _chain(first, rows):
                report.rows += 1
                if isinstance(item, RowError):
                    report.errors.append(item)
                else:
                    batch.append(item)
                if len(batch) >= chunk:
                    _process(session, kind, batch, ctx, run, report, region_code)
                    batch = []
                    bar.update(report.rows - shown)
                    shown = report.rows
            if batch:
                _process(session, kind, batch, ctx, run, report, region_code)
            bar.update(report.rows - shown)
    finally:
        bar.close()
    report.errors.sort(key=lambda e: e.row_number)
    run.rows_total = report.rows
    run.rows_applied = report.applied
    run.rows_unchanged = report.unchanged
    run.rows_mismatched = report.mismatched
    run.rows_rejected = len(report.errors)
    run.finished_at = utcnow()
    audit.record(
        session,
        actor=ctx.actor,
        action="feed.import",
        entity_type="feed_run",
        entity_id=run.id,
        after={
            "kind": kind,
            "file": run.file_name,
            "rows": report.rows,
            "applied": report.applied,
            "unchanged": report.unchanged,
            "mismatched": report.mismatched,
            "rejected": len(report.errors),
        },
    )
    report.seconds = time.perf_counter() - started
    return report


def _chain(first, rest):
    if first is not None:
        yield first
        yield from rest


def _process(
    session: Session,
    kind: FeedKind,
    batch: list[FeedRow],
    ctx: FeedContext,
    run: FeedRun,
    report: FeedReport,
    region_code: str | None = None,
) -> None:
    people = _people(session, {r.id_number for r in batch})
    matched: list[Matched] = []
    mismatches: list[Matched] = []
    for row in batch:
        person = people.get(row.id_number)
        if person is None:
            problem = id_problem(row.id_number, ctx.today)
            report.errors.append(
                RowError(row.row_number, row.id_number, problem, "invalid_id_number")
                if problem
                else RowError(
                    row.row_number, row.id_number, "this ID number is not on the roll", "not_on_roll"
                )
            )
        elif region_code is not None and region_code not in ctx.region_paths.path(
            session, person.region_code
        ):
            report.errors.append(
                RowError(
                    row.row_number,
                    row.id_number,
                    f"this person is outside the sender's region {region_code}",
                    "out_of_region",
                )
            )
        elif normalise_name(person.name) != normalise_name(row.name):
            mismatches.append(Matched(person, row))
        else:
            matched.append(Matched(person, row))
    if mismatches:
        open_mismatches(session, kind, mismatches, run, report, ctx.actor)
    if kind is FeedKind.SIGN_OF_LIFE:
        record_signs_of_life(session, matched, ctx, report, run.id)
    else:
        handler = HANDLERS[kind]
        for person, row in matched:
            count(report, handler(session, person, row, ctx, report), row)


def _people(session: Session, id_numbers: Iterable[str]) -> dict[str, FeedPerson]:
    """The roll's people with these ID numbers (one driver-level query: no ORM rows)."""
    numbers = list(id_numbers)
    if not numbers:
        return {}
    found = select_in(
        session,
        "SELECT id, id_number, name, birth_date, region_code, time_zone, deceased_on FROM beneficiaries "
        "WHERE id_number {in_}",
        numbers,
    )
    return {
        number: FeedPerson(pid, number, name, stored_to_day(birth), region, zone, stored_to_date(deceased))
        for pid, number, name, birth, region, zone, deceased in found
    }
