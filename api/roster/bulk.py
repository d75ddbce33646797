"""Fast inserts for the roster import: COPY on PostgreSQL, executemany on SQLite, in the caller's
transaction. Beneficiary ids are allocated up front (sequence on PostgreSQL, MAX(id) under the write
lock on SQLite) so entitlement rows can reference them without a round trip per person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.audit import AuditChainHead
from api.beneficiaries.models import Beneficiary, Entitlement

BENEFICIARY_COLUMNS = (
    "id",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "region_code",
    "residence_kind",
    "country",
    "time_zone",
    "severely_disabled",
    "bedridden",
    "lives_alone",
    "created_at",
    "updated_at",
)
ENTITLEMENT_COLUMNS = (
    "beneficiary_id",
    "benefit_type",
    "monthly_cents",
    "payment_state",
    "suspended_since",
    "entitled_since",
    "ends_after",
    "created_at",
    "updated_at",
)


class BulkWriter:
    dates_as_text = False  # SQLite stores dates as ISO text (SQLAlchemy's format)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.now = datetime.now(UTC)

    def driver_connection(self) -> Any:
        """The database driver's own connection under ``conn`` (sqlite3 or psycopg)."""
        driver = self.conn.connection.driver_connection
        if driver is None:
            raise RuntimeError("the bulk writer's connection is closed")
        return driver

    # --- backend-independent -------------------------------------------------------------------

    def existing_id_numbers(self, numbers: Sequence[str], chunk: int = 900) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(numbers), chunk):
            part = numbers[i : i + chunk]
            found.update(
                self.conn.execute(
                    sa.select(Beneficiary.id_number).where(Beneficiary.id_number.in_(part))
                ).scalars()
            )
        return found

    def region_codes(self) -> frozenset[str]:
        return frozenset(self.conn.execute(sa.text("SELECT code FROM regions")).scalars())

    # --- implemented per backend ---------------------------------------------------------------

    def begin_write(self) -> None:
        """Called once before the first allocation."""

    def end_write(self) -> None:
        """Called once when the import's transaction is over (committed or rolled back)."""

    def allocate_ids(self, n: int) -> list[int]:
        raise NotImplementedError

    def write_beneficiaries(self, rows: Iterable[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def write_entitlements(self, rows: Iterable[tuple[Any, ...]]) -> None:
        raise NotImplementedError


IMPORT_CACHE_KIB = -262_144  # SQLite cache_size in KiB when negative: 256 MB during an import


class SqliteBulkWriter(BulkWriter):
    """executemany on the raw sqlite3 cursor, values in SQLAlchemy's SQLite storage formats."""

    dates_as_text = True

    def begin_write(self) -> None:
        # A no-op write makes this transaction SQLite's single writer before ids are read.
        self.conn.execute(
            sa.update(AuditChainHead).values(last_seq=AuditChainHead.last_seq).where(AuditChainHead.id == 1)
        )
        self._next = (self.conn.execute(sa.select(sa.func.max(Beneficiary.id))).scalar() or 0) + 1
        self._now_text = self.now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        self._cursor = self.driver_connection().cursor()
        # A page cache big enough for the id_number index of a million people (the default 2 MB makes
        # every insert at a random place in that index re-read a page through the OS).
        self._cache_size = self._cursor.execute("PRAGMA cache_size").fetchone()[0]
        self._cursor.execute(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")

    def end_write(self) -> None:
        if not hasattr(self, "_cache_size"):
            return  # begin_write failed before changing anything
        self._cursor.execute(f"PRAGMA cache_size={int(self._cache_size)}")
        self._cursor.close()

    def allocate_ids(self, n: int) -> list[int]:
        start = self._next
        self._next += n
        return list(range(start, start + n))

    def _prep(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*row, self._now_text, self._now_text)

    def write_beneficiaries(self, rows: Iterable[tuple[Any, ...]]) -> None:
        cols = ", ".join(BENEFICIARY_COLUMNS)
        marks = ", ".join("?" * len(BENEFICIARY_COLUMNS))
        self._cursor.executemany(
            f"INSERT INTO beneficiaries ({cols}) VALUES ({marks})", (self._prep(r) for r in rows)
        )

    def write_entitlements(self, rows: Iterable[tuple[Any, ...]]) -> None:
        cols = ", ".join(ENTITLEMENT_COLUMNS)
        marks = ", ".join("?" * len(ENTITLEMENT_COLUMNS))
        self._cursor.executemany(
            f"INSERT INTO entitlements ({cols}) VALUES ({marks})", (self._prep(r) for r in rows)
        )


class PostgresBulkWriter(BulkWriter):
    """COPY … FROM STDIN through psycopg 3; ids from the table's sequence."""

    def existing_id_numbers(self, numbers: Sequence[str], chunk: int = 50_000) -> set[str]:
        # One array parameter instead of thousands of IN parameters (which PostgreSQL plans slowly).
        found: set[str] = set()
        for i in range(0, len(numbers), chunk):
            found.update(
                self.conn.execute(
                    sa.text("SELECT id_number FROM beneficiaries WHERE id_number = ANY(:ids)"),
                    {"ids": list(numbers[i : i + chunk])},
                ).scalars()
            )
        return found

    def begin_write(self) -> None:
        self._raw = self.driver_connection()
        self._seq = self.conn.execute(
            sa.text("SELECT pg_get_serial_sequence('beneficiaries', 'id')")
        ).scalar_one()

    def allocate_ids(self, n: int) -> list[int]:
        return list(
            self.conn.execute(
                sa.text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)"),
                {"seq": self._seq, "n": n},
            ).scalars()
        )

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        now = self.now
        with self._raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r, now, now))

    def write_beneficiaries(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._copy("beneficiaries", BENEFICIARY_COLUMNS, rows)

    def write_entitlements(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._copy("entitlements", ENTITLEMENT_COLUMNS, rows)


def writer_for(conn: Connection) -> BulkWriter:
    if conn.dialect.name == "sqlite":
        return SqliteBulkWriter(conn)
    if conn.dialect.name == "postgresql":
        return PostgresBulkWriter(conn)
    raise ValueError(f"roster import supports SQLite and PostgreSQL, not {conn.dialect.name}")


# Keep the column lists in step with the models (a test checks this too).
assert set(BENEFICIARY_COLUMNS) <= set(Beneficiary.__table__.c.keys())
assert set(ENTITLEMENT_COLUMNS) <= set(Entitlement.__table__.c.keys())
