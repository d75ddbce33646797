"""Read-only traffic on a PostgreSQL hot standby, with the primary as the fallback.

``ReadEngines.engine()`` names the engine a read-only request should use: the standby
(``database_read_url``) while it answers and its replay lag is within ``database_read_max_lag_seconds``,
otherwise the primary. The standby's state is checked at most every ``database_read_recheck_seconds``
(one small query), so a standby that is down or far behind costs one failed check, not one per request;
``run()`` also retries a read on the primary when the standby fails mid-query. Without a standby (the
embedded default) every read goes to the primary and nothing is checked.

Only reads that tolerate a few seconds of staleness belong here: status lookups, lists, statistics. A
request that reads what it has just written uses the primary's session.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

# Replay lag: 0 when everything received has been replayed (an idle primary writes nothing, so the last
# replayed transaction can be old without the standby being behind); otherwise the age of the last
# replayed transaction. ``streaming`` is false on a standby that has not (re)connected to the primary
# yet — just after a restart it has received nothing, so "all received is replayed" says nothing about
# how far behind it is.
LAG_SQL = sa.text(
    "SELECT pg_is_in_recovery() AS standby, pg_last_wal_receive_lsn() IS NOT NULL AS streaming, "
    "CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS lag"
)


class ReadEngines:
    def __init__(
        self,
        primary: Engine,
        standby: Engine | None = None,
        *,
        max_lag_seconds: float = 10.0,
        recheck_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.standby = standby
        self.max_lag_seconds = max_lag_seconds
        self.recheck_seconds = recheck_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._standby_ok = False
        self._checked_at: float | None = None
        self.last_reason = "no standby configured" if standby is None else "not checked yet"
        self.served: Counter[str] = Counter()  # reads answered, by "standby" / "primary"

    def engine(self) -> Engine:
        """The engine for the next read-only request."""
        if self.standby is None:
            return self.primary
        now = self._clock()
        if self._checked_at is None or now - self._checked_at >= self.recheck_seconds:
            with self._lock:
                if self._checked_at is None or now - self._checked_at >= self.recheck_seconds:
                    self._standby_ok = self._check()
                    self._checked_at = self._clock()
        return self.standby if self._standby_ok else self.primary

    def mark_standby_failed(self, reason: str) -> None:
        """A read on the standby failed: use the primary until the next check."""
        with self._lock:
            self._standby_ok = False
            self._checked_at = self._clock()
            self.last_reason = reason

    def run(self, read: Callable[[Connection], T]) -> T:
        """``read(conn)`` on the chosen engine; on a database error from the standby, once more on the
        primary (an error from the primary propagates: the caller answers it with its 503)."""
        engine = self.engine()
        if engine is not self.primary:
            try:
                with engine.connect() as conn:
                    result = read(conn)
                self.served["standby"] += 1
                return result
            except sa.exc.SQLAlchemyError as exc:
                self.mark_standby_failed(f"read failed: {type(exc).__name__}")
        with self.primary.connect() as conn:
            result = read(conn)
        self.served["primary"] += 1
        return result

    def _check(self) -> bool:
        assert self.standby is not None
        try:
            with self.standby.connect() as conn:
                row = conn.execute(LAG_SQL).one()
        except sa.exc.SQLAlchemyError as exc:
            self.last_reason = f"standby unreachable: {type(exc).__name__}"
            return False
        if not row.standby:
            self.last_reason = "database_read_url is not a standby (not in recovery)"
            return True  # a read-only copy promoted or a plain replica: still a valid read target
        if not row.streaming:
            self.last_reason = "standby not streaming from the primary yet"
            return False
        lag = float(row.lag or 0.0)
        if lag > self.max_lag_seconds:
            self.last_reason = f"standby lags {lag:.1f} s (limit {self.max_lag_seconds} s)"
            return False
        self.last_reason = f"standby ok, lag {lag:.1f} s"
        return True

    def dispose(self) -> None:
        if self.standby is not None:
            self.standby.dispose()
