"""Database plumbing: declarative base, column types that behave the same on SQLite and PostgreSQL,
engine and session factories, and the Alembic entry points used by `lifecert db upgrade` and tests.

Conventions every model follows:
* timestamps are timezone-aware UTC (:class:`UTCDateTime` refuses naive datetimes);
* enumerations are stored as their string values in VARCHAR columns (:class:`EnumString`), never as
  native database enums, so adding a value needs no migration of a type;
* calendar months are :class:`shared.months.YearMonth` values stored as "YYYY-MM" text
  (:class:`YearMonthText`);
* surrogate keys are BIGINT on PostgreSQL and INTEGER (rowid alias, autoincrement) on SQLite.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from shared.months import YearMonth

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"

# BIGINT on PostgreSQL; SQLite only autoincrements an "INTEGER PRIMARY KEY".
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def rowcount(result: sa.Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (``Session.execute`` types every result as a ``Result``; for
    these statements it is a ``CursorResult``, which counts them)."""
    return cast("sa.CursorResult[Any]", result).rowcount


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=enum.Enum)


class EnumString(sa.TypeDecorator[E]):
    """An enum stored as its value in a VARCHAR(length) column (no native enum type, no CHECK constraint)."""

    impl = sa.String  # a class, so that the length given to __init__ is used
    cache_ok = True

    def __init__(self, enum_cls: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls
        self.length = length

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return self.enum_cls(value).value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> E | None:
        if value is None:
            return None
        return self.enum_cls(value)


class YearMonthText(sa.TypeDecorator[YearMonth]):
    """A calendar month (:class:`shared.months.YearMonth`) stored as ``"YYYY-MM"`` text in a VARCHAR(7).

    Binds a YearMonth or its text (checked and normalised, so ``"2026-3"`` is stored ``"2026-03"``)."""

    impl = sa.String(7)
    cache_ok = True

    def process_bind_param(self, value: YearMonth | str | None, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return str(value if isinstance(value, YearMonth) else YearMonth.parse(value))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> YearMonth | None:
        return None if value is None else YearMonth.parse(value)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    # SQLAlchemy reads the map as is (a class attribute, not a dataclass field)
    type_annotation_map = {datetime: UTCDateTime(), YearMonth: YearMonthText()}  # noqa: RUF012


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, prepared_statements: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout on every connection.
    ``prepared_statements=False`` (PostgreSQL) stops psycopg preparing repeated statements, which a
    transaction-pooling PgBouncer cannot route to the same server connection."""
    if is_sqlite(url):
        db = make_url(url).database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Python's sqlite3 issues BEGIN itself (deferred); make writers take the lock up front
            # so two writers never deadlock on a read→write upgrade.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # No pre-ping (it costs a round trip per checkout on the busiest endpoint); connections are recycled
    # every 30 minutes, and one broken by a database restart fails its request with a 503 (api/errors.py)
    # and is discarded from the pool.
    kwargs.setdefault("pool_recycle", 1800)
    if not prepared_statements:
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "prepare_threshold": None}
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    return sa.create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# --- Alembic ---------------------------------------------------------------------------------------


def alembic_config(url: str):
    """The Alembic configuration for our migrations, pointed at ``url`` (no alembic.ini lookup in cwd)."""
    from alembic.config import Config

    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (default: the latest)."""
    from alembic import command

    if is_sqlite(url):
        db = make_url(url).database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def alembic_render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our TypeDecorators as the plain types they store, so migrations don't import api.core.db."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EnumString):
        return f"sa.String(length={obj.length})"
    if type_ == "type" and isinstance(obj, YearMonthText):
        return "sa.String(length=7)"
    return False


def alembic_compare_type(
    context: Any, inspected_column: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Compare our TypeDecorators by the type they store; everything else by Alembic's default."""
    if isinstance(metadata_type, sa.TypeDecorator):
        return context.impl.compare_type(
            inspected_column, sa.Column(metadata_column.name, metadata_type.impl)
        )
    return None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
