"""Bulk INSERT straight through the database driver (``executemany``) for the million-row paths.

SQLAlchemy's executemany processes every parameter of every row in Python (type decorators, compiled
parameter maps): a third of a feed import's CPU. Here the caller hands rows already in the stored
form — what :class:`api.core.db.UTCDateTime`, :class:`api.core.db.EnumString` and ``sa.JSON`` would
have produced — and the driver inserts them. Only the helpers below produce those forms, so they stay
in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


def stored_time(value: datetime, dialect: str) -> Any:
    """UTCDateTime's stored form: naive UTC text on SQLite (SQLAlchemy's format), the aware value
    elsewhere."""
    value = value.astimezone(UTC)
    if dialect == "sqlite":
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def stored_date(value: date, dialect: str) -> Any:
    return value.isoformat() if dialect == "sqlite" else value


def stored_json(value: Any) -> str | None:
    """sa.JSON's stored form (PostgreSQL casts the untyped text parameter to json)."""
    return None if value is None else json.dumps(value)


def stored_enum(value: Enum | None) -> str | None:
    return None if value is None else value.value


def insert_rows(
    session: Session, table: sa.FromClause, columns: Sequence[str], rows: Iterable[tuple]
) -> None:
    """Every row into ``table`` through the session's connection: ``COPY … FROM STDIN`` on PostgreSQL
    (psycopg), ``INSERT … VALUES`` with ``executemany`` elsewhere.

    ``rows`` may be a generator: on PostgreSQL each row is sent as it is produced, so the server's index
    work runs on the other core while the caller computes the next rows (a feed's audit MACs)."""
    if not isinstance(table, sa.TableClause):  # a mapped class's __table__ is typed as any FROM clause
        raise TypeError(f"insert_rows needs a table, not {table!r}")
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        dbapi = conn.connection.dbapi_connection
        if dbapi is None:
            raise RuntimeError("the session's database connection is closed")
        cursor = dbapi.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    rows = list(rows)
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def stored_to_date(value: Any) -> date | None:
    """A DATE column read through the driver: text on SQLite, a date on PostgreSQL."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def stored_to_day(value: Any) -> date:
    """A NOT NULL DATE column read through the driver (see ``stored_to_date``)."""
    day = stored_to_date(value)
    if day is None:
        raise ValueError("NULL read from a NOT NULL date column")
    return day


def select_in(session: Session, sql: str, values: Sequence[Any]) -> list[tuple]:
    """Run ``sql`` with its one ``{in_}`` placeholder bound to ``values``, through the driver.

    ``… WHERE col {in_}`` becomes ``IN (?, ?, …)`` on SQLite and ``= ANY(%s)`` (one array parameter)
    on PostgreSQL: no ORM rows, no per-value bound-parameter compilation. ``values`` must be non-empty
    and at most a few thousand long (SQLite's limit on parameters is 32,766).
    """
    conn = session.connection()
    if conn.dialect.paramstyle == "qmark":
        return list(
            conn.exec_driver_sql(sql.format(in_=f"IN ({','.join('?' * len(values))})"), tuple(values))
        )
    return list(conn.exec_driver_sql(sql.format(in_="= ANY(%s)"), (list(values),)))
