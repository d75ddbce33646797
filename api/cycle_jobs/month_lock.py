"""One cycle run per month at a time (issue 16, finding 6): a second ``lifecert cycle run`` (or console run)
of the same month while one is running is refused with :class:`RunInProgress` — it never suspends, resumes
(back pay) or records anything.

* PostgreSQL: a transaction-level advisory lock per month (``pg_try_advisory_xact_lock``), taken in the
  run's own transaction, so it ends with it — also when the process dies.
* SQLite: an exclusive run row. Before the run, a short transaction of its own inserts the month's
  ``cycle_runs`` row with ``state`` "running"; the unique index on (month, state) refuses a second one. The
  run fills the row and clears ``state`` in its own transaction. SQLite has one writer at a time, so a run
  that had to wait for the other's transaction to end checks that no run of the month finished meanwhile.
  A "running" row older than :data:`ABANDONED_AFTER` (its process died) is taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.cycle_jobs.models import CycleRun
from shared.months import YearMonth

RUNNING = "running"
LOCK_NAMESPACE = 0x4C43  # "LC": the first key of the two-key advisory lock; the second is YYYYMM
ABANDONED_AFTER = timedelta(hours=1)


class RunInProgress(Exception):
    """Another run of the month holds it (or finished while this one waited to start)."""

    def __init__(self, month: YearMonth, detail: str) -> None:
        super().__init__(
            f"a cycle run of {month} is already in progress ({detail}); this run changed nothing"
        )
        self.month = month


@dataclass(frozen=True, slots=True)
class MonthClaim:
    """What :func:`claim` took: on SQLite the id of the "running" row the run must complete."""

    month: YearMonth
    started_at: datetime
    run_id: int | None = None


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def claim(session: Session, month: YearMonth, *, actor: str, region_code: str | None) -> MonthClaim:
    """Take the month for this run, or raise :class:`RunInProgress`."""
    started = utcnow()
    if _is_postgresql(session):
        key = month.year * 100 + month.month
        taken = session.execute(sa.select(sa.func.pg_try_advisory_xact_lock(LOCK_NAMESPACE, key))).scalar()
        if not taken:
            raise RunInProgress(month, "another process holds its lock")
        return MonthClaim(month, started)
    if _holds_sqlite_write_lock(session):
        # This transaction already writes, so no other process can until it ends: the row goes into it.
        row = CycleRun(month=str(month), region_code=region_code, actor=actor, state=RUNNING, report={})
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise RunInProgress(month, "another run of the month has not finished") from None
        return MonthClaim(month, started, row.id)
    return MonthClaim(month, started, _claim_row(session, month, started, actor, region_code))


def _holds_sqlite_write_lock(session: Session) -> bool:
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:
        raise RuntimeError("the session's database connection is closed")
    return bool(dbapi.in_transaction)


def _claim_row(session: Session, month: YearMonth, started: datetime, actor: str, region: str | None) -> int:
    engine = session.get_bind()
    for attempt in (1, 2):
        try:
            with Session(engine) as own, own.begin():
                row = CycleRun(month=str(month), region_code=region, actor=actor, state=RUNNING, report={})
                own.add(row)
                own.flush()
                finished = own.execute(
                    sa.select(CycleRun.finished_at).where(
                        CycleRun.month == str(month),
                        CycleRun.state.is_(None),
                        CycleRun.finished_at >= started,
                    )
                ).first()
                if finished is not None:
                    own.rollback()
                    raise RunInProgress(
                        month, f"another run finished at {finished[0]:%H:%M:%S} while this one waited"
                    )
                return row.id
        except IntegrityError:
            if attempt == 2 or not _take_over_abandoned(engine, month):
                running = _running(engine, month)
                detail = (
                    f"started at {running[0]:%Y-%m-%d %H:%M:%S} UTC by {running[1]}" if running else "running"
                )
                raise RunInProgress(month, detail) from None
        except (
            OperationalError
        ) as exc:  # the other run's transaction kept the database locked past the timeout
            if "locked" not in str(exc).lower():
                raise
            raise RunInProgress(month, "the database is locked by another run") from None
    raise AssertionError("unreachable")


def _running(engine: sa.Engine | sa.Connection, month: YearMonth) -> tuple[datetime, str] | None:
    with Session(engine) as s:
        row = s.execute(
            sa.select(CycleRun.created_at, CycleRun.actor).where(
                CycleRun.month == str(month), CycleRun.state == RUNNING
            )
        ).first()
    return (row[0], row[1]) if row else None


def _take_over_abandoned(engine: sa.Engine | sa.Connection, month: YearMonth) -> bool:
    """Delete the month's "running" row when its run is long gone; True when one was deleted."""
    with Session(engine) as s, s.begin():
        deleted = s.execute(
            sa.delete(CycleRun).where(
                CycleRun.month == str(month),
                CycleRun.state == RUNNING,
                CycleRun.created_at < utcnow() - ABANDONED_AFTER,
            )
        )
    return bool(cast("sa.CursorResult[Any]", deleted).rowcount)  # a DELETE's result (typed as Result)


def release_unfinished(session: Session, taken: MonthClaim) -> None:
    """After a failed run: roll back its work and delete its "running" row (SQLite), so the month is free."""
    session.rollback()
    if taken.run_id is None:
        return
    with Session(session.get_bind()) as own, own.begin():
        own.execute(sa.delete(CycleRun).where(CycleRun.id == taken.run_id, CycleRun.state == RUNNING))
